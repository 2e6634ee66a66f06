using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Rollups;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Features.Wall;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Web.Tests.Features.Wall;

/// <summary>A small city and a snapshot of it, so each wall component test states exactly what it renders.</summary>
internal static class WallFixtures
{
    /// <summary>14:30 in Beijing.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 6, 30, 0, TimeSpan.Zero);

    public static readonly WallNames Names = new(
        [
            new DistrictSummary("110101", "东城区", "Dongcheng", new GeoPoint(116.41, 39.93), 17, 17, 0, 0, 0, 0),
            new DistrictSummary("110102", "西城区", "Xicheng", new GeoPoint(116.36, 39.91), 15, 15, 0, 0, 0, 0),
            new DistrictSummary("110105", "朝阳区", "Chaoyang", new GeoPoint(116.48, 39.95), 43, 24, 19, 0, 0, 0),
        ],
        [
            new Department("city-management", "北京市城市管理委员会", "City Management Commission", "城管委", "City Mgmt", "government"),
            new Department("city-enforcement", "北京市城市管理综合行政执法局", "Enforcement Bureau", "城管执法局", "Enforcement", "government"),
            new Department("traffic-police", "北京市公安局公安交通管理局", "Traffic Management Bureau", "公安交管局", "Traffic Police", "government"),
            new Department("transport", "北京市交通委员会", "Transport Commission", "交通委", "Transport", "government"),
        ],
        [
            new Category("private-parking-lock", "私装地锁", "Private parking lock", "city-enforcement", [], SlaTier.WorkingDays7, RiskDomain.Social),
            new Category("street-vending", "占道经营", "Street vending", "city-enforcement", [], SlaTier.Hours24, RiskDomain.Social),
            new Category("streetlight-out", "路灯不亮", "Street light out", "city-management", [], SlaTier.Hours24, RiskDomain.Operation),
            new Category("garbage", "垃圾堆放", "Garbage pile", "city-management", [], SlaTier.Hours24, RiskDomain.Operation),
        ],
        [
            new StreetUnit("110101001", "110101", "东华门街道", StreetUnitKind.Subdistrict, new GeoPoint(116.40, 39.92), true),
            new StreetUnit("110105001", "110105", "建外街道", StreetUnitKind.Subdistrict, new GeoPoint(116.45, 39.91), true),
        ]);

    public static SituationKpis Kpis(RateCounts? rates = null) => new(1234, 5678, 91, rates ?? RateCounts.Zero, Now);

    public static Dispute Dispute(long id = 42, string description = "小区门口私装地锁，占用消防通道", int bounces = 2, bool unowned = true,
        SuggestedLead? suggestion = null, IReadOnlyList<Bounce>? chain = null) =>
        new(id, "private-parking-lock", "110101", "110101001", description, bounces, unowned, Now.AddDays(-3), Now.AddHours(-2),
            chain ?? [new Bounce("traffic-police", Now.AddDays(-2), "非本部门职责"), new Bounce("city-enforcement", Now.AddDays(-1), "属小区内部管理")],
            suggestion ?? new SuggestedLead("city-enforcement", 0.62, 31, DistrictFallback: false));

    /// <summary>A context with the services the wall components use; the city clock stands at <see cref="Now"/>.</summary>
    public static BunitContext Context(string culture = Resources.Cultures.Default)
    {
        var ctx = WebTestContext.Create(culture);
        ctx.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        ctx.Services.AddSingleton(Options.Create(new CityOptions()));
        ctx.Services.AddSingleton<CityClock>();
        return ctx;
    }
}
