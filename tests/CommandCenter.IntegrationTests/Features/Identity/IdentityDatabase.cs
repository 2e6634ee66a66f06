using CommandCenter.Core.Features.Identity;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Identity;

/// <summary>
/// A migrated database with the city loaded and Core on a <see cref="FakeTimeProvider"/>, shared by one test class.
/// Tests make their own accounts (<see cref="NewUserAsync"/>), so they do not see each other's lockouts.
/// </summary>
public sealed class IdentityDatabase : StartedCore
{
    public const string Password = "correct-horse-battery";

    public IdentityDatabase() : this(new FakeTimeProvider(DateTimeOffset.UtcNow)) { }

    private IdentityDatabase(FakeTimeProvider time) : base(time) => Time = time;

    public FakeTimeProvider Time { get; }

    public IdentityAdminService Admin => Get<IdentityAdminService>();
    public SignInService SignIn => Get<SignInService>();

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public Task<AppUser> NewUserAsync(string role = Roles.Commander, string? district = null, string? street = null) =>
        Admin.CreateUserAsync(Actor.System, new UserDraft(UniqueName("u"), "测试 Test", [role], district, street), Password);

    public async Task<long> CountAsync(string table)
    {
        // Table names come from the tests, never from input.
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        return await conn.ExecuteScalarAsync<long>($"select count(*) from {table}");
    }

    public async Task<IReadOnlyList<AuditEvent>> AuditAsync(string action, string subject) =>
        (await Admin.ListAuditAsync(1000, action)).Where(e => e.Subject == subject).ToList();
}
