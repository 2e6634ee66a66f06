using CommandCenter.Core.Features.Identity;
using CommandCenter.Testing;

namespace CommandCenter.IntegrationTests.Features.Identity;

public sealed class ExternalUserTests : StartedCore
{
    private IdentityAdminService Admin => Get<IdentityAdminService>();
    private SignInService SignIn => Get<SignInService>();

    [Fact]
    public async Task ProvisionExternalUser_FirstThenAgain_CreatesOneAccountAndKeepsItsSession()
    {
        var draft = new UserDraft("sso-zhang", "张伟", [Roles.Liaison], DistrictAdcode: "110105");

        var first = await Admin.ProvisionExternalUserAsync(Actor.System, "subject-1", draft);
        var again = await Admin.ProvisionExternalUserAsync(Actor.System, "subject-1", draft with { DisplayName = "张伟 (朝阳)" });

        Assert.NotNull(first);
        Assert.Equal(first.Id, again!.Id);
        Assert.Equal("张伟 (朝阳)", again.DisplayName);
        Assert.Equal(first.SecurityStamp, again.SecurityStamp);
        Assert.Single(await Admin.ListUsersAsync(), u => u.UserName == "sso-zhang");
    }

    [Fact]
    public async Task ProvisionExternalUser_RolesChanged_EndsOldSessions()
    {
        var first = await Admin.ProvisionExternalUserAsync(Actor.System, "subject-2", new UserDraft("sso-li", "李娜", [Roles.Liaison], DistrictAdcode: "110101"));

        var moved = await Admin.ProvisionExternalUserAsync(Actor.System, "subject-2", new UserDraft("sso-li", "李娜", [Roles.Liaison], DistrictAdcode: "110102"));

        Assert.Equal("110102", moved!.DistrictAdcode);
        Assert.Null(await SignIn.ValidateUserSessionAsync(first!.Id, first.SecurityStamp));
        Assert.NotNull(await SignIn.ValidateUserSessionAsync(moved.Id, moved.SecurityStamp));
    }

    [Fact]
    public async Task ProvisionExternalUser_NameOfLocalAccount_IsRefused()
    {
        await Admin.CreateUserAsync(Actor.System, new UserDraft("sso-wang", "王芳", [Roles.Supervisor]), "a-long-password");

        await Assert.ThrowsAsync<IdentityValidationException>(() =>
            Admin.ProvisionExternalUserAsync(Actor.System, "subject-3", new UserDraft("sso-wang", "冒名", [Roles.Admin])));
    }

    [Fact]
    public async Task ProvisionExternalUser_DisabledAccount_SignsNobodyIn()
    {
        var user = await Admin.ProvisionExternalUserAsync(Actor.System, "subject-4", new UserDraft("sso-zhao", "赵强", [Roles.Commander]));
        await Admin.SetDisabledAsync(Actor.System, user!.Id, true);

        Assert.Null(await Admin.ProvisionExternalUserAsync(Actor.System, "subject-4", new UserDraft("sso-zhao", "赵强", [Roles.Commander])));
    }
}
