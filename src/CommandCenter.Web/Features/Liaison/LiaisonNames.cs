using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Resources;

namespace CommandCenter.Web.Features.Liaison;

/// <summary>Display names for the codes an order carries, in the current UI language where the city has both.</summary>
public sealed class LiaisonNames(
    IReadOnlyDictionary<string, Department> departments, IReadOnlyDictionary<string, StreetUnit> streets, DistrictSummary? district, (string UserName, string DisplayName) me)
{
    public string District => district is null ? "" : Cultures.Pick(district.NameZh, district.NameEn);

    public string Department(string code) =>
        departments.TryGetValue(code, out var d) ? Cultures.Pick(d.NameZh, d.NameEn) : code;

    public string DepartmentShort(string code) =>
        departments.TryGetValue(code, out var d) ? Cultures.Pick(d.ShortZh, d.ShortEn) : code;

    /// <summary>Street units have Chinese names only.</summary>
    public string Street(string code) => streets.TryGetValue(code, out var s) ? s.NameZh : code;

    /// <summary>Who acknowledged or reported: the signed-in liaison by name, anyone else by account.</summary>
    public string Person(string actor) => actor == me.UserName ? me.DisplayName : actor;

    /// <summary>"甲、乙" in Chinese, "A, B" in English.</summary>
    public static string List(IEnumerable<string> names) => string.Join(Cultures.IsEnglish ? ", " : "、", names);

    public static async Task<LiaisonNames> LoadAsync(OrgService org, string districtAdcode, (string UserName, string DisplayName) me, CancellationToken ct = default) => new(
        (await org.ListDepartmentsAsync(ct)).ToDictionary(d => d.Code),
        (await org.ListStreetUnitsAsync(districtAdcode, ct)).ToDictionary(s => s.Code),
        (await org.ListDistrictsAsync(ct)).FirstOrDefault(d => d.Adcode == districtAdcode),
        me);
}
