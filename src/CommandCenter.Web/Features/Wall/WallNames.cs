using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Resources;

namespace CommandCenter.Web.Features.Wall;

/// <summary>Display names for the codes a snapshot carries, in the current UI language (unknown codes show as themselves).</summary>
public sealed class WallNames(
    IReadOnlyList<DistrictSummary> districts, IReadOnlyList<Department> departments, IReadOnlyList<Category> categories,
    IReadOnlyList<StreetUnit> streets)
{
    private readonly Dictionary<string, DistrictSummary> districtByCode = districts.ToDictionary(d => d.Adcode);
    private readonly Dictionary<string, Department> departmentByCode = departments.ToDictionary(d => d.Code);
    private readonly Dictionary<string, Category> categoryByCode = categories.ToDictionary(c => c.ServiceCode);
    private readonly Dictionary<string, string> streetByCode = streets.ToDictionary(s => s.Code, s => s.NameZh);

    /// <summary>Districts in adcode order (the matrix's columns, the map's labels).</summary>
    public IReadOnlyList<DistrictSummary> Districts { get; } = districts.OrderBy(d => d.Adcode, StringComparer.Ordinal).ToList();

    public static async Task<WallNames> LoadAsync(OrgService org, CancellationToken ct = default) =>
        new(await org.ListDistrictsAsync(ct), await org.ListDepartmentsAsync(ct), await org.ListCategoriesAsync(ct),
            await org.ListStreetUnitsAsync(districtAdcode: null, ct));

    public string District(string adcode) =>
        districtByCode.TryGetValue(adcode, out var d) ? Cultures.Pick(d.NameZh, d.NameEn) : adcode;

    /// <summary>A district name short enough for a matrix column: 东城 for 东城区 (en names are already short).</summary>
    public string DistrictShort(string adcode) =>
        districtByCode.TryGetValue(adcode, out var d) ? Cultures.Pick(d.NameZh.EndsWith('区') ? d.NameZh[..^1] : d.NameZh, d.NameEn) : adcode;

    /// <summary>A department's short name; <see langword="null"/> or "" is "not assigned", which the caller names.</summary>
    public string Department(string code) =>
        departmentByCode.TryGetValue(code, out var d) ? Cultures.Pick(d.ShortZh, d.ShortEn) : code;

    public string Category(string serviceCode) =>
        categoryByCode.TryGetValue(serviceCode, out var c) ? Cultures.Pick(c.NameZh, c.NameEn) : serviceCode;

    /// <summary>Street and town names exist in Chinese only (proper names).</summary>
    public string Street(string code) => streetByCode.GetValueOrDefault(code, code);
}
