using System.Text.Json;
using CommandCenter.Core.Features.Org.Geo;
using Dapper;
using Npgsql;

namespace CommandCenter.Core.Features.Org;

/// <summary>Dapper queries over districts, street units, departments and categories.</summary>
public sealed class OrgStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<DistrictSummary>> ListDistrictsAsync(CancellationToken ct = default)
    {
        const string sql = """
            select d.adcode, d.name_zh, d.name_en, coalesce(d.center_lon, 0) as center_lon, coalesce(d.center_lat, 0) as center_lat,
                   count(s.code)::int as street_units,
                   (count(*) filter (where s.kind = 'subdistrict'))::int as subdistricts,
                   (count(*) filter (where s.kind = 'area'))::int as areas,
                   (count(*) filter (where s.kind = 'town'))::int as towns,
                   (count(*) filter (where s.kind = 'township'))::int as townships,
                   (count(*) filter (where s.kind = 'special-zone'))::int as special_zones
            from district d
            left join street_unit s on s.district_adcode = d.adcode
            group by d.adcode
            order by d.adcode
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<DistrictRow>(new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => new DistrictSummary(r.Adcode, r.NameZh, r.NameEn, new GeoPoint(r.CenterLon, r.CenterLat),
            r.StreetUnits, r.Subdistricts, r.Areas, r.Towns, r.Townships, r.SpecialZones)).ToList();
    }

    public async Task<IReadOnlyList<StreetUnit>> ListStreetUnitsAsync(string? districtAdcode = null, CancellationToken ct = default)
    {
        const string sql = """
            select code, district_adcode, name_zh, kind, lon, lat, location_approximate
            from street_unit
            where @districtAdcode::text is null or district_adcode = @districtAdcode
            order by code
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<StreetUnitRow>(new CommandDefinition(sql, new { districtAdcode }, cancellationToken: ct));
        return rows.Select(r => new StreetUnit(r.Code, r.DistrictAdcode, r.NameZh, StreetUnitKinds.Parse(r.Kind),
            new GeoPoint(r.Lon, r.Lat), r.LocationApproximate)).ToList();
    }

    public async Task<IReadOnlyList<Department>> ListDepartmentsAsync(CancellationToken ct = default)
    {
        const string sql = "select code, name_zh, name_en, short_zh, short_en, kind from department order by sort_order";
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Department>(new CommandDefinition(sql, cancellationToken: ct))).ToList();
    }

    public async Task<IReadOnlyList<Category>> ListCategoriesAsync(CancellationToken ct = default)
    {
        const string sql = """
            select c.service_code, c.name_zh, c.name_en, c.lead_department, c.sla_tier, c.risk_domain,
                   coalesce(array_agg(s.department_code order by s.department_code) filter (where s.department_code is not null), '{}') as support_departments
            from category c
            left join category_support_department s on s.service_code = c.service_code
            group by c.service_code
            order by c.sort_order
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<CategoryRow>(new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => new Category(r.ServiceCode, r.NameZh, r.NameEn, r.LeadDepartment, r.SupportDepartments,
            OrgCodes.ParseSlaTier(r.SlaTier), OrgCodes.ParseRiskDomain(r.RiskDomain))).ToList();
    }

    /// <summary>
    /// Writes the city pack's geometry and street units. Idempotent: street units are upserted, never
    /// deleted (later records point at them). Every pack district must already exist in SQL and vice versa.
    /// </summary>
    public async Task ImportCityPackAsync(CityPack pack, CancellationToken ct = default)
    {
        const string known = "select adcode from district order by adcode";
        const string updateDistrict = """
            update district set center_lon = @Lon, center_lat = @Lat, west = @West, south = @South, east = @East, north = @North,
                                boundary = @Boundary::jsonb
            where adcode = @Adcode and name_zh = @NameZh
            """;
        const string upsertUnits = """
            insert into street_unit (code, district_adcode, name_zh, kind, lon, lat, location_approximate)
            select * from unnest(@codes::char(9)[], @districts::char(6)[], @names::text[], @kinds::text[],
                                 @lons::float8[], @lats::float8[], @approximate::bool[])
            on conflict (code) do update set district_adcode = excluded.district_adcode, name_zh = excluded.name_zh,
                kind = excluded.kind, lon = excluded.lon, lat = excluded.lat, location_approximate = excluded.location_approximate
            """;

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var adcodes = (await conn.QueryAsync<string>(new CommandDefinition(known, transaction: tx, cancellationToken: ct))).ToHashSet();
        var packAdcodes = pack.Districts.Select(d => d.Adcode).ToHashSet();
        if (!adcodes.SetEquals(packAdcodes))
            throw new InvalidOperationException(
                $"City pack districts [{string.Join(",", packAdcodes.Order())}] do not match the database's [{string.Join(",", adcodes.Order())}].");

        foreach (var d in pack.Districts)
        {
            var changed = await conn.ExecuteAsync(new CommandDefinition(updateDistrict, new
            {
                d.Adcode, d.NameZh, d.Center.Lon, d.Center.Lat, d.Bounds.West, d.Bounds.South, d.Bounds.East, d.Bounds.North,
                Boundary = JsonSerializer.Serialize(GeoJson.Geometry(d.Geometry)),
            }, tx, cancellationToken: ct));
            if (changed != 1)
                throw new InvalidOperationException($"City pack district {d.Adcode} is named {d.NameZh}, the database has another name.");
        }

        var units = pack.StreetUnits;
        await conn.ExecuteAsync(new CommandDefinition(upsertUnits, new
        {
            codes = units.Select(u => u.Code).ToArray(),
            districts = units.Select(u => u.DistrictAdcode).ToArray(),
            names = units.Select(u => u.NameZh).ToArray(),
            kinds = units.Select(u => StreetUnitKinds.ToCode(u.Kind)).ToArray(),
            lons = units.Select(u => u.Point.Lon).ToArray(),
            lats = units.Select(u => u.Point.Lat).ToArray(),
            approximate = units.Select(u => u.Approximate).ToArray(),
        }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
    }

    private sealed record DistrictRow(string Adcode, string NameZh, string NameEn, double CenterLon, double CenterLat,
        int StreetUnits, int Subdistricts, int Areas, int Towns, int Townships, int SpecialZones);

    private sealed record StreetUnitRow(string Code, string DistrictAdcode, string NameZh, string Kind, double Lon, double Lat, bool LocationApproximate);

    // A class, not a positional record: Dapper binds text[] columns to properties only.
    private sealed class CategoryRow
    {
        public string ServiceCode { get; init; } = "";
        public string NameZh { get; init; } = "";
        public string NameEn { get; init; } = "";
        public string LeadDepartment { get; init; } = "";
        public string SlaTier { get; init; } = "";
        public string RiskDomain { get; init; } = "";
        public string[] SupportDepartments { get; init; } = [];
    }
}
