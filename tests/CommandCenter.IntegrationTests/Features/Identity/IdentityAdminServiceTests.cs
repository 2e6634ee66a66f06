using System.Text.Json;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Org;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Identity;

public sealed class IdentityAdminServiceTests(IdentityDatabase db) : IClassFixture<IdentityDatabase>
{
    private IdentityAdminService Admin => db.Admin;

    private static readonly Dictionary<string, (UserDraft Draft, string Password)> Invalid = new()
    {
        ["bad user name"] = (new UserDraft("has space", "名字", [Roles.Commander]), IdentityDatabase.Password),
        ["one-character user name"] = (new UserDraft("x", "名字", [Roles.Commander]), IdentityDatabase.Password),
        ["user name starting with a dash"] = (new UserDraft("-lead", "名字", [Roles.Commander]), IdentityDatabase.Password),
        ["non-ASCII user name"] = (new UserDraft("张三", "名字", [Roles.Commander]), IdentityDatabase.Password),
        ["empty display name"] = (new UserDraft("fine.name", "  ", [Roles.Commander]), IdentityDatabase.Password),
        ["no role"] = (new UserDraft("fine.name", "名字", []), IdentityDatabase.Password),
        ["unknown role"] = (new UserDraft("fine.name", "名字", ["superuser"]), IdentityDatabase.Password),
        ["device role on a person"] = (new UserDraft("fine.name", "名字", [Roles.WallDisplay]), IdentityDatabase.Password),
        ["liaison without district"] = (new UserDraft("fine.name", "名字", [Roles.Liaison]), IdentityDatabase.Password),
        ["liaison of an unknown district"] = (new UserDraft("fine.name", "名字", [Roles.Liaison], DistrictAdcode: "110199"), IdentityDatabase.Password),
        ["street without street code"] = (new UserDraft("fine.name", "名字", [Roles.Street]), IdentityDatabase.Password),
        ["street with an unknown street code"] = (new UserDraft("fine.name", "名字", [Roles.Street], StreetCode: "110101999"), IdentityDatabase.Password),
        ["street with a district code"] = (new UserDraft("fine.name", "名字", [Roles.Street], StreetCode: "110101"), IdentityDatabase.Password),
        ["department without department"] = (new UserDraft("fine.name", "名字", [Roles.Department]), IdentityDatabase.Password),
        ["unknown department"] = (new UserDraft("fine.name", "名字", [Roles.Department], DepartmentCode: "no-such-dept"), IdentityDatabase.Password),
        ["short password"] = (new UserDraft("fine.name", "名字", [Roles.Commander]), "short-pw"),
        ["password containing the user name"] = (new UserDraft("fine.name", "名字", [Roles.Commander]), "my-FINE.NAME-password"),
    };

    public static TheoryData<string> InvalidAccounts => [.. Invalid.Keys];

    [Theory]
    [MemberData(nameof(InvalidAccounts))]
    public async Task CreateUser_Invalid_ThrowsValidationAndWritesNothing(string why)
    {
        var (draft, password) = Invalid[why];
        var (users, audit) = (await db.CountAsync("app_user"), await db.CountAsync("audit_event"));

        var error = await Assert.ThrowsAsync<IdentityValidationException>(() => Admin.CreateUserAsync(Actor.System, draft, password));

        Assert.False(string.IsNullOrWhiteSpace(error.Message), why);
        Assert.Equal(users, await db.CountAsync("app_user"));
        Assert.Equal(audit, await db.CountAsync("audit_event"));
    }

    [Fact]
    public async Task CreateUser_DuplicateUserNameInAnyCase_ThrowsValidationAndWritesNothing()
    {
        var existing = await db.NewUserAsync();
        var (users, audit) = (await db.CountAsync("app_user"), await db.CountAsync("audit_event"));

        await Assert.ThrowsAsync<IdentityValidationException>(() =>
            Admin.CreateUserAsync(Actor.System, new UserDraft($" {existing.UserName.ToUpperInvariant()} ", "另一个 Another", [Roles.Supervisor]), IdentityDatabase.Password));

        Assert.Equal(users, await db.CountAsync("app_user"));
        Assert.Equal(audit, await db.CountAsync("audit_event"));
        Assert.Equal([Roles.Commander], (await Admin.ListUsersAsync()).Single(u => u.Id == existing.Id).Roles);
    }

    [Fact]
    public async Task CreateUser_StreetOfAnotherDistrictThanGiven_KeepsTheExistingStreetAndDropsTheDistrict()
    {
        var xicheng = (await db.Services.GetRequiredService<OrgService>().ListStreetUnitsAsync("110102")).First();

        var user = await Admin.CreateUserAsync(Actor.System,
            new UserDraft(IdentityDatabase.UniqueName("street"), "街道 Street", [Roles.Street], DistrictAdcode: "110101", StreetCode: xicheng.Code), IdentityDatabase.Password);

        Assert.Equal(xicheng.Code, user.StreetCode);
        Assert.Null(user.DistrictAdcode);
        Assert.True(user.Scope.CanReadDistrict("110102"));
        Assert.False(user.Scope.CanReadDistrict("110101"));
        Assert.Single(await db.AuditAsync("user.created", user.UserName));
    }

    [Fact]
    public async Task CreateUser_Valid_NormalisesNameAndStoresNoPlainPassword()
    {
        var name = IdentityDatabase.UniqueName("Mixed.Case");

        var user = await Admin.CreateUserAsync(Actor.System, new UserDraft($"  {name} ", " 联络员 ", [Roles.Liaison, Roles.Liaison], DistrictAdcode: "110105"), IdentityDatabase.Password);

        Assert.Equal(name.ToLowerInvariant(), user.UserName);
        Assert.Equal("联络员", user.DisplayName);
        Assert.Equal([Roles.Liaison], user.Roles);
        Assert.Equal("110105", user.DistrictAdcode);
        await using var conn = new NpgsqlConnection(db.Db.ConnectionString);
        var row = await conn.ExecuteScalarAsync<string>("select t::text from app_user t where id = @Id", new { user.Id });
        Assert.DoesNotContain(IdentityDatabase.Password, row);
    }

    [Fact]
    public async Task ResetPassword_ShortOrContainingUserName_ThrowsAndKeepsTheOldPassword()
    {
        var user = await db.NewUserAsync();

        await Assert.ThrowsAsync<IdentityValidationException>(() => Admin.ResetPasswordAsync(Actor.System, user.Id, "short"));
        await Assert.ThrowsAsync<IdentityValidationException>(() => Admin.ResetPasswordAsync(Actor.System, user.Id, $"pw-{user.UserName}-pw"));

        Assert.NotNull(await db.SignIn.ValidateUserSessionAsync(user.Id, user.SecurityStamp));
        Assert.Equal(SignInStatus.Succeeded, (await db.SignIn.PasswordSignInAsync(user.UserName, IdentityDatabase.Password, Actor.System)).Status);
        Assert.Empty(await db.AuditAsync("user.password-reset", user.UserName));
    }

    [Fact]
    public async Task CreateDevice_Token_ReturnedOnceAndOnlyItsHashStored()
    {
        var issued = await Admin.CreateDeviceAsync(Actor.System, "指挥大厅 Hall wall", null);

        Assert.StartsWith(SecretTokens.DevicePrefix, issued.Secret, StringComparison.Ordinal);
        await AssertSecretNowhereAsync("wall_device", issued.Secret);
        Assert.DoesNotContain(issued.Secret, JsonSerializer.Serialize(await Admin.ListDevicesAsync()));
        await using var conn = new NpgsqlConnection(db.Db.ConnectionString);
        Assert.Equal(SecretTokens.Hash(issued.Secret), await conn.ExecuteScalarAsync<byte[]>("select token_hash from wall_device where id = @Id", new { issued.Item.Id }));
        Assert.Equal(issued.Item.Id, (await db.SignIn.DeviceSignInAsync(issued.Secret, Actor.System))?.Id);
    }

    [Fact]
    public async Task CreateApiClient_Key_ReturnedOnceAndOnlyItsHashStored()
    {
        var issued = await Admin.CreateApiClientAsync(Actor.System, IdentityDatabase.UniqueName("district-system"), null, 60, null);

        Assert.StartsWith(SecretTokens.ApiKeyPrefix, issued.Secret, StringComparison.Ordinal);
        Assert.Equal(issued.Secret[..10], issued.Item.KeyPrefix);
        await AssertSecretNowhereAsync("api_client", issued.Secret);
        Assert.DoesNotContain(issued.Secret, JsonSerializer.Serialize(await Admin.ListApiClientsAsync()));
        await using var conn = new NpgsqlConnection(db.Db.ConnectionString);
        Assert.Equal(SecretTokens.Hash(issued.Secret), await conn.ExecuteScalarAsync<byte[]>("select key_hash from api_client where id = @Id", new { issued.Item.Id }));
        var (status, client) = await db.SignIn.AuthenticateApiKeyAsync(issued.Secret);
        Assert.Equal(ApiKeyStatus.Valid, status);
        Assert.Equal(issued.Item.Id, client?.Id);
    }

    [Fact]
    public async Task CreateApiClient_DuplicateNameOrBadRate_ThrowsAndWritesNothing()
    {
        var name = IdentityDatabase.UniqueName("feed");
        await Admin.CreateApiClientAsync(Actor.System, name, null, 60, null);
        var (clients, audit) = (await db.CountAsync("api_client"), await db.CountAsync("audit_event"));

        await Assert.ThrowsAsync<IdentityValidationException>(() => Admin.CreateApiClientAsync(Actor.System, name, null, 60, null));
        await Assert.ThrowsAsync<IdentityValidationException>(() => Admin.CreateApiClientAsync(Actor.System, name + "-2", null, 0, null));
        await Assert.ThrowsAsync<IdentityValidationException>(() => Admin.CreateApiClientAsync(Actor.System, name + "-3", "no-such-dept", 60, null));

        Assert.Equal(clients, await db.CountAsync("api_client"));
        Assert.Equal(audit, await db.CountAsync("audit_event"));
    }

    [Fact]
    public async Task UpdateFeed_DepartmentAndCadence_ListedAndAudited()
    {
        var issued = await Admin.CreateApiClientAsync(Actor.System, IdentityDatabase.UniqueName("sensors"), null, 60, null, TimeSpan.FromMinutes(1));
        Assert.Equal(TimeSpan.FromMinutes(1), issued.Item.ExpectedCadence);
        Assert.Null(issued.Item.LastReceivedAt);

        await Admin.UpdateFeedAsync(new Actor("admin"), issued.Item.Id, "beijing-drainage", TimeSpan.FromMinutes(15));
        var changed = (await Admin.ListApiClientsAsync()).Single(c => c.Id == issued.Item.Id);
        Assert.Equal(("beijing-drainage", TimeSpan.FromMinutes(15)), (changed.DepartmentCode, changed.ExpectedCadence));
        Assert.Equal("admin", Assert.Single(await db.AuditAsync("apikey.feed-changed", issued.Item.Id.ToString())).Actor);

        await Admin.UpdateFeedAsync(Actor.System, issued.Item.Id, null, null);
        Assert.Null((await Admin.ListApiClientsAsync()).Single(c => c.Id == issued.Item.Id).ExpectedCadence);
    }

    [Fact]
    public async Task UpdateFeed_BadCadenceDepartmentOrClient_ThrowsAndChangesNothing()
    {
        var issued = await Admin.CreateApiClientAsync(Actor.System, IdentityDatabase.UniqueName("sensors"), null, 60, null, TimeSpan.FromMinutes(5));
        var audit = await db.CountAsync("audit_event");

        await Assert.ThrowsAsync<IdentityValidationException>(() => Admin.UpdateFeedAsync(Actor.System, issued.Item.Id, null, TimeSpan.FromSeconds(1)));
        await Assert.ThrowsAsync<IdentityValidationException>(() => Admin.UpdateFeedAsync(Actor.System, issued.Item.Id, null, TimeSpan.FromDays(60)));
        await Assert.ThrowsAsync<IdentityValidationException>(() => Admin.UpdateFeedAsync(Actor.System, issued.Item.Id, "no-such-dept", null));
        await Assert.ThrowsAsync<IdentityValidationException>(() => Admin.UpdateFeedAsync(Actor.System, -1, null, null));
        await Assert.ThrowsAsync<IdentityValidationException>(() =>
            Admin.CreateApiClientAsync(Actor.System, IdentityDatabase.UniqueName("sensors"), null, 60, null, TimeSpan.Zero));

        Assert.Equal(TimeSpan.FromMinutes(5), (await Admin.ListApiClientsAsync()).Single(c => c.Id == issued.Item.Id).ExpectedCadence);
        Assert.Equal(audit, await db.CountAsync("audit_event"));
    }

    [Fact]
    public async Task RevokeDevice_Twice_RevokedOnceAndAuditedOnce()
    {
        var issued = await Admin.CreateDeviceAsync(Actor.System, "走廊 Corridor wall", null);

        await Admin.RevokeDeviceAsync(new Actor("admin"), issued.Item.Id);
        var revokedAt = (await Admin.ListDevicesAsync()).Single(d => d.Id == issued.Item.Id).RevokedAt;
        await Admin.RevokeDeviceAsync(new Actor("admin"), issued.Item.Id);

        Assert.NotNull(revokedAt);
        Assert.Equal(revokedAt, (await Admin.ListDevicesAsync()).Single(d => d.Id == issued.Item.Id).RevokedAt);
        Assert.Equal("admin", Assert.Single(await db.AuditAsync("device.revoked", issued.Item.Id.ToString())).Actor);
        Assert.Null(await db.SignIn.DeviceSignInAsync(issued.Secret, Actor.System));
        Assert.False(await db.SignIn.ValidateDeviceSessionAsync(issued.Item.Id));
    }

    [Fact]
    public async Task RevokeApiClient_Twice_RevokedOnceAndAuditedOnce()
    {
        var issued = await Admin.CreateApiClientAsync(Actor.System, IdentityDatabase.UniqueName("intake"), null, 60, null);

        await Admin.RevokeApiClientAsync(new Actor("admin"), issued.Item.Id);
        var revokedAt = (await Admin.ListApiClientsAsync()).Single(c => c.Id == issued.Item.Id).RevokedAt;
        await Admin.RevokeApiClientAsync(new Actor("admin"), issued.Item.Id);

        Assert.NotNull(revokedAt);
        Assert.Equal(revokedAt, (await Admin.ListApiClientsAsync()).Single(c => c.Id == issued.Item.Id).RevokedAt);
        Assert.Single(await db.AuditAsync("apikey.revoked", issued.Item.Id.ToString()));
        Assert.Equal(ApiKeyStatus.Revoked, (await db.SignIn.AuthenticateApiKeyAsync(issued.Secret)).Status);
    }

    /// <summary>No column of the credential's table, nor any audit event, holds the secret.</summary>
    private async Task AssertSecretNowhereAsync(string table, string secret)
    {
        await using var conn = new NpgsqlConnection(db.Db.ConnectionString);
        // Table names come from the tests; every row rendered as text covers every column.
        var rows = (await conn.QueryAsync<string>($"select t::text from {table} t")).ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.DoesNotContain(secret, r));
        Assert.All(rows, r => Assert.DoesNotContain(secret[4..], r));
        var audit = await conn.QueryAsync<string>("select t::text from audit_event t");
        Assert.All(audit, r => Assert.DoesNotContain(secret[4..], r));
    }
}
