using CommandCenter.Core.Features.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommandCenter.IntegrationTests.Features.Identity;

public sealed class SignInServiceTests(IdentityDatabase db) : IClassFixture<IdentityDatabase>
{
    private static readonly Actor Origin = new("anonymous", "10.0.0.7");

    private SignInService SignIn => db.SignIn;
    private IdentityAdminService Admin => db.Admin;
    private AccountOptions Options => db.Services.GetRequiredService<IOptions<AccountOptions>>().Value;

    [Fact]
    public async Task PasswordSignIn_CorrectPassword_SucceedsAndAuditsLogin()
    {
        var user = await db.NewUserAsync();

        var result = await SignIn.PasswordSignInAsync($"  {user.UserName.ToUpperInvariant()} ", IdentityDatabase.Password, Origin);

        Assert.Equal(SignInStatus.Succeeded, result.Status);
        Assert.Equal(user.Id, result.User?.Id);
        var login = Assert.Single(await db.AuditAsync("login.succeeded", user.UserName));
        Assert.Equal("10.0.0.7", login.Ip);
        Assert.Equal(db.Time.GetUtcNow(), (await Admin.ListUsersAsync()).Single(u => u.Id == user.Id).LastLoginAt!.Value, TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task PasswordSignIn_UnknownUserWrongPasswordOrDisabled_AllTheSameFailure()
    {
        var wrong = await db.NewUserAsync();
        var disabled = await db.NewUserAsync();
        await Admin.SetDisabledAsync(Actor.System, disabled.Id, true);

        var results = new[]
        {
            await SignIn.PasswordSignInAsync(IdentityDatabase.UniqueName("nobody"), IdentityDatabase.Password, Origin),
            await SignIn.PasswordSignInAsync(wrong.UserName, "not-the-password", Origin),
            await SignIn.PasswordSignInAsync(disabled.UserName, IdentityDatabase.Password, Origin),
        };

        Assert.All(results, r => Assert.Equal(SignInResult.Failed, r));
        Assert.All(results, r => Assert.Null(r.User));
        Assert.Single(await db.AuditAsync("login.failed", wrong.UserName));
        Assert.Single(await db.AuditAsync("login.failed", disabled.UserName));
        Assert.Empty(await db.AuditAsync("login.succeeded", disabled.UserName));
    }

    [Fact]
    public async Task PasswordSignIn_FourWrongPasswords_NotLockedYet()
    {
        var user = await db.NewUserAsync();

        for (var i = 0; i < Options.MaxFailedLogins - 1; i++)
            Assert.Equal(SignInStatus.Failed, (await SignIn.PasswordSignInAsync(user.UserName, "not-the-password", Origin)).Status);

        Assert.Equal(SignInStatus.Succeeded, (await SignIn.PasswordSignInAsync(user.UserName, IdentityDatabase.Password, Origin)).Status);
        Assert.Empty(await db.AuditAsync("login.locked-out", user.UserName));
    }

    [Fact]
    public async Task PasswordSignIn_FiveWrongPasswords_LocksUntilLockoutDurationPassed()
    {
        var user = await db.NewUserAsync();

        for (var i = 0; i < Options.MaxFailedLogins; i++)
            Assert.Equal(SignInStatus.Failed, (await SignIn.PasswordSignInAsync(user.UserName, "not-the-password", Origin)).Status);

        Assert.Equal(SignInResult.Failed, await SignIn.PasswordSignInAsync(user.UserName, IdentityDatabase.Password, Origin));
        Assert.Single(await db.AuditAsync("login.locked-out", user.UserName));
        db.Time.Advance(Options.LockoutDuration - TimeSpan.FromSeconds(1));
        Assert.Equal(SignInResult.Failed, await SignIn.PasswordSignInAsync(user.UserName, IdentityDatabase.Password, Origin));

        db.Time.Advance(TimeSpan.FromSeconds(2));

        var result = await SignIn.PasswordSignInAsync(user.UserName, IdentityDatabase.Password, Origin);
        Assert.Equal(SignInStatus.Succeeded, result.Status);
        Assert.Single(await db.AuditAsync("login.succeeded", user.UserName));
    }

    [Fact]
    public async Task PasswordSignIn_LockedOut_CorrectPasswordIsAuditedAsFailure()
    {
        var user = await db.NewUserAsync();
        for (var i = 0; i < Options.MaxFailedLogins; i++)
            await SignIn.PasswordSignInAsync(user.UserName, "not-the-password", Origin);

        await SignIn.PasswordSignInAsync(user.UserName, IdentityDatabase.Password, Origin);

        var failures = await db.AuditAsync("login.failed", user.UserName);
        Assert.Equal(Options.MaxFailedLogins + 1, failures.Count);
        Assert.Contains("locked-out", failures[0].Detail);
        Assert.Empty(await db.AuditAsync("login.succeeded", user.UserName));
    }

    public enum AccountChange { ResetPassword, Disable, UpdateUser }

    [Theory]
    [InlineData(AccountChange.ResetPassword)]
    [InlineData(AccountChange.Disable)]
    [InlineData(AccountChange.UpdateUser)]
    public async Task ValidateUserSession_AfterAccountChange_IsNull(AccountChange change)
    {
        var user = await db.NewUserAsync();
        Assert.NotNull(await SignIn.ValidateUserSessionAsync(user.Id, user.SecurityStamp));

        switch (change)
        {
            case AccountChange.ResetPassword:
                await Admin.ResetPasswordAsync(Actor.System, user.Id, "another-long-secret");
                break;
            case AccountChange.Disable:
                await Admin.SetDisabledAsync(Actor.System, user.Id, true);
                break;
            case AccountChange.UpdateUser:
                await Admin.UpdateUserAsync(Actor.System, user.Id, new UserDraft(user.UserName, user.DisplayName, [Roles.Supervisor]));
                break;
        }

        Assert.Null(await SignIn.ValidateUserSessionAsync(user.Id, user.SecurityStamp));
    }

    [Fact]
    public async Task ValidateUserSession_ReEnabledAccount_OldSessionStaysInvalid()
    {
        var user = await db.NewUserAsync();
        await Admin.SetDisabledAsync(Actor.System, user.Id, true);
        await Admin.SetDisabledAsync(Actor.System, user.Id, false);

        Assert.Null(await SignIn.ValidateUserSessionAsync(user.Id, user.SecurityStamp));
        var fresh = (await Admin.ListUsersAsync()).Single(u => u.Id == user.Id);
        Assert.NotNull(await SignIn.ValidateUserSessionAsync(user.Id, fresh.SecurityStamp));
    }

    [Fact]
    public async Task ValidateUserSession_UnknownUserOrStamp_IsNull()
    {
        var user = await db.NewUserAsync();

        Assert.Null(await SignIn.ValidateUserSessionAsync(user.Id, Guid.NewGuid()));
        Assert.Null(await SignIn.ValidateUserSessionAsync(long.MaxValue, user.SecurityStamp));
    }
}
