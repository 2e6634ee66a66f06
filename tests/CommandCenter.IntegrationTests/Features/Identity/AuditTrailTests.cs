using CommandCenter.Core.Features.Identity;
using Dapper;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Identity;

public sealed class AuditTrailTests(IdentityDatabase db) : IClassFixture<IdentityDatabase>
{
    [Theory]
    [InlineData("update audit_event set actor = 'someone-else' where subject = @subject")]
    [InlineData("delete from audit_event where subject = @subject")]
    [InlineData("truncate audit_event")]
    public async Task ChangeAuditEvent_AnyStatement_IsRefusedAndTheEventStays(string sql)
    {
        var user = await db.NewUserAsync();
        await using var conn = new NpgsqlConnection(db.Db.ConnectionString);

        var error = await Assert.ThrowsAsync<PostgresException>(() => conn.ExecuteAsync(sql, new { subject = user.UserName }));

        Assert.Contains("append-only", error.MessageText);
        var created = Assert.Single(await db.AuditAsync("user.created", user.UserName));
        Assert.Equal(Actor.System.Name, created.Actor);
    }

    [Fact]
    public async Task AppendAuditEvent_Insert_IsAllowedAndListedNewestFirst()
    {
        var first = await db.NewUserAsync();
        var second = await db.NewUserAsync();

        var events = await db.Admin.ListAuditAsync(2, "user.created");

        Assert.Equal([second.UserName, first.UserName], events.Select(e => e.Subject));
        Assert.Contains("\"Roles\"", events[0].Detail);
    }
}
