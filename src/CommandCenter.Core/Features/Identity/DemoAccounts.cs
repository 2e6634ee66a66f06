using CommandCenter.Core.Features.Org;
using Microsoft.Extensions.Logging;

namespace CommandCenter.Core.Features.Identity;

/// <summary>
/// Demo mode's accounts: one per role, a liaison for each district, staff for each department, and one
/// wall device with a known kiosk token. Idempotent: existing accounts are left as they are.
/// </summary>
public sealed class DemoAccounts(IdentityAdminService admin, UserStore users, CredentialStore credentials, OrgStore org, ILogger<DemoAccounts> logger)
{
    public const string Password = "beijing-12345";
    public const string WallToken = SecretTokens.DevicePrefix + "demo-wall-display";
    public const string StreetUnit = "110101001"; // 东华门街道

    public async Task EnsureAsync(CancellationToken ct = default)
    {
        var existing = (await users.ListAsync(ct)).Select(u => u.UserName).ToHashSet();
        var created = 0;
        foreach (var draft in await DraftsAsync(ct))
        {
            if (existing.Contains(draft.UserName)) continue;
            await admin.CreateUserAsync(Actor.System, draft, Password, ct);
            created++;
        }
        if ((await credentials.ListDevicesAsync(ct)).Count == 0)
            await admin.CreateDeviceAsync(Actor.System, "演示大屏", WallToken, null, ct);
        logger.LogInformation("Demo accounts ready ({Created} created); password for all: {Password}", created, Password);
    }

    private async Task<IEnumerable<UserDraft>> DraftsAsync(CancellationToken ct)
    {
        var districts = await org.ListDistrictsAsync(ct);
        var departments = await org.ListDepartmentsAsync(ct);
        return
        [
            new("admin", "系统管理员", [Roles.Admin]),
            new("commander", "值班指挥长", [Roles.Commander]),
            new("supervisor", "督办员", [Roles.Supervisor]),
            new($"street-{StreetUnit}", "东华门街道办事处", [Roles.Street], StreetCode: StreetUnit),
            .. districts.Select(d => new UserDraft($"liaison-{d.Adcode}", $"{d.NameZh}联络员", [Roles.Liaison], DistrictAdcode: d.Adcode)),
            .. departments.Select(d => new UserDraft($"dept-{d.Code}", $"{d.ShortZh}值班员", [Roles.Department], DepartmentCode: d.Code)),
        ];
    }
}
