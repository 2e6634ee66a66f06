using System.Data;
using System.Text.Json;
using Dapper;
using CommandCenter.Core.Data;
using Npgsql;

namespace CommandCenter.Core.Features.Identity;

/// <summary>The append-only audit trail (the table refuses updates and deletes).</summary>
public sealed class AuditStore(NpgsqlDataSource dataSource)
{
    public async Task AppendAsync(Actor actor, string action, string? subject, object? detail, NpgsqlConnection conn, IDbTransaction? tx, CancellationToken ct)
    {
        const string sql = "insert into audit_event (actor, action, subject, detail, ip) values (@actor, @action, @subject, @detail::jsonb, @ip)";
        await conn.ExecuteAsync(new CommandDefinition(sql, new
        {
            actor = actor.Name, action, subject, detail = detail is null ? null : JsonSerializer.Serialize(detail), ip = actor.Ip,
        }, tx, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<AuditEvent>> ListRecentAsync(int limit, string? action = null, CancellationToken ct = default)
    {
        const string sql = """
            select id, at, actor, action, subject, detail::text as detail, ip
            from audit_event
            where @action::text is null or action = @action
            order by id desc
            limit @limit
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<AuditRow>(new CommandDefinition(sql, new { limit, action }, cancellationToken: ct));
        return rows.Select(r => new AuditEvent(r.Id, DbTime.Utc(r.At), r.Actor, r.Action, r.Subject, r.Detail, r.Ip)).ToList();
    }

    private sealed record AuditRow(long Id, DateTime At, string Actor, string Action, string? Subject, string? Detail, string? Ip);
}
