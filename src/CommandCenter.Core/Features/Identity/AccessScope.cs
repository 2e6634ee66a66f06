namespace CommandCenter.Core.Features.Identity;

/// <summary>
/// What a signed-in principal may see. Core services take it and filter their queries with it, so a
/// district liaison cannot read another district's data whatever page or API asks.
/// </summary>
public sealed record AccessScope(IReadOnlySet<string> Roles, string? DistrictAdcode = null, string? StreetCode = null, string? DepartmentCode = null)
{
    public static AccessScope For(params string[] roles) => new(roles.ToHashSet());

    public bool Has(string role) => Roles.Contains(role);

    /// <summary>Commanders, supervisors, admins, wall displays, department staff and API clients see the whole city.</summary>
    public bool IsCityWide => Has(Identity.Roles.Commander) || Has(Identity.Roles.Supervisor) || Has(Identity.Roles.Admin)
        || Has(Identity.Roles.WallDisplay) || Has(Identity.Roles.Department) || Has(Identity.Roles.ApiClient);

    /// <summary>The one district this principal is confined to, or null when it sees the whole city.</summary>
    public string? DistrictFilter => IsCityWide ? null
        : Has(Identity.Roles.Liaison) ? DistrictAdcode ?? NoDistrict
        : Has(Identity.Roles.Street) && StreetCode is { Length: 9 } ? StreetCode[..6]
        : NoDistrict;

    public bool CanReadDistrict(string adcode) => DistrictFilter is not { } only || only == adcode;

    public void EnsureDistrict(string adcode)
    {
        if (!CanReadDistrict(adcode))
            throw new AccessDeniedException($"District {adcode} is outside this account's scope.");
    }

    // A principal with no role and no district matches no district at all.
    private const string NoDistrict = "------";
}

/// <summary>Thrown by Core when a caller asks for data outside its scope; the web layer turns it into 403.</summary>
public sealed class AccessDeniedException(string message) : Exception(message);
