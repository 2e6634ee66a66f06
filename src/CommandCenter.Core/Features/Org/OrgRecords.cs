using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Features.Org;

/// <summary>A district with how many street/town units of each kind it has.</summary>
public sealed record DistrictSummary(
    string Adcode, string NameZh, string NameEn, GeoPoint Center,
    int StreetUnits, int Subdistricts, int Areas, int Towns, int Townships, int SpecialZones);

public sealed record StreetUnit(string Code, string DistrictAdcode, string NameZh, StreetUnitKind Kind, GeoPoint Point, bool LocationApproximate);

public sealed record Department(string Code, string NameZh, string NameEn, string ShortZh, string ShortEn, string Kind);

/// <summary>An incident category (Open311 service) and who owns it.</summary>
public sealed record Category(
    string ServiceCode, string NameZh, string NameEn, string LeadDepartment,
    IReadOnlyList<string> SupportDepartments, SlaTier SlaTier, RiskDomain RiskDomain);

/// <summary>Feedback deadline tier (Beijing 12345 standard). Day tiers count working days.</summary>
public enum SlaTier { Hours2, Hours24, WorkingDays7, WorkingDays15 }

/// <summary>The four domains of safe city operation.</summary>
public enum RiskDomain { Operation, Safety, Social, Political }

public static class OrgCodes
{
    public static SlaTier ParseSlaTier(string code) => code switch
    {
        "2h" => SlaTier.Hours2,
        "24h" => SlaTier.Hours24,
        "7d" => SlaTier.WorkingDays7,
        "15d" => SlaTier.WorkingDays15,
        _ => throw new FormatException($"Unknown SLA tier '{code}'"),
    };

    public static RiskDomain ParseRiskDomain(string code) => Enum.Parse<RiskDomain>(code, ignoreCase: true);
}

/// <summary>The whole city at a glance: its districts and the size of its catalogue.</summary>
public sealed record CityOverview(IReadOnlyList<DistrictSummary> Districts, int Departments, int Categories)
{
    public int StreetUnits => Districts.Sum(d => d.StreetUnits);
}

public sealed record DistrictDetail(DistrictSummary District, IReadOnlyList<StreetUnit> StreetUnits);
