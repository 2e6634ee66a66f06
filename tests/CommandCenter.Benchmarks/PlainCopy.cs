using System.Diagnostics;
using CommandCenter.Core.Features.Incidents;
using Npgsql;
using NpgsqlTypes;

namespace CommandCenter.Benchmarks;

/// <summary>
/// The P1 baseline: the same incident, assignment and timeline rows in one transaction with one binary COPY per
/// table and every id numbered here (a fresh database), the least work Npgsql can do to store them.
/// </summary>
public static class PlainCopy
{
    /// <returns>Seconds from opening the connection to the commit.</returns>
    public static async Task<double> WriteAsync(string connectionString, BulkIncident[] rows, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var w = await conn.BeginBinaryImportAsync("""
            copy incident (id, source, source_ref, service_code, description, address, lon, lat, district_adcode, street_code, street_source,
                           status, sla_tier, bounces, reported_at, updated_at, due_at, responded_at, resolved_at, closed_at, solved, satisfaction,
                           caller_name, caller_phone) from stdin (format binary)
            """, ct))
        {
            for (var n = 0; n < rows.Length; n++)
            {
                var i = rows[n];
                w.StartRow();
                w.Write(n + 1L, NpgsqlDbType.Bigint);
                w.Write(IncidentCodes.Code(i.Source), NpgsqlDbType.Text);
                Text(w, i.SourceRef);
                w.Write(i.ServiceCode, NpgsqlDbType.Text);
                w.Write(i.Description, NpgsqlDbType.Text);
                Text(w, i.Address);
                w.Write(i.Point.Lon, NpgsqlDbType.Double);
                w.Write(i.Point.Lat, NpgsqlDbType.Double);
                w.Write(i.DistrictAdcode, NpgsqlDbType.Char);
                w.Write(i.StreetCode, NpgsqlDbType.Char);
                w.Write(IncidentCodes.Code(i.StreetSource), NpgsqlDbType.Text);
                w.Write(IncidentCodes.Code(i.Status), NpgsqlDbType.Text);
                w.Write(IncidentCodes.SlaCode(i.SlaTier), NpgsqlDbType.Text);
                w.Write(i.Bounces, NpgsqlDbType.Integer);
                Time(w, i.ReportedAt);
                Time(w, i.UpdatedAt);
                Time(w, i.DueAt);
                Time(w, i.RespondedAt);
                Time(w, i.ResolvedAt);
                Time(w, i.ClosedAt);
                if (i.Solved is { } solved) w.Write(solved, NpgsqlDbType.Boolean); else w.WriteNull();
                Text(w, i.Satisfaction is { } s ? IncidentCodes.Code(s) : null);
                Text(w, i.CallerName);
                Text(w, i.CallerPhone);
            }
            await w.CompleteAsync(ct);
        }
        await using (var w = await conn.BeginBinaryImportAsync("""
            copy assignment (id, incident_id, department_code, role, status, assigned_at, assigned_by, accepted_at, returned_at, return_reason,
                             resolved_at, resolution_note) from stdin (format binary)
            """, ct))
        {
            long id = 0;
            for (var n = 0; n < rows.Length; n++)
            {
                foreach (var a in rows[n].Assignments)
                {
                    w.StartRow();
                    w.Write(++id, NpgsqlDbType.Bigint);
                    w.Write(n + 1L, NpgsqlDbType.Bigint);
                    w.Write(a.DepartmentCode, NpgsqlDbType.Text);
                    w.Write(IncidentCodes.Code(a.Role), NpgsqlDbType.Text);
                    w.Write(IncidentCodes.Code(a.Status), NpgsqlDbType.Text);
                    Time(w, a.AssignedAt);
                    w.Write(a.AssignedBy, NpgsqlDbType.Text);
                    Time(w, a.AcceptedAt);
                    Time(w, a.ReturnedAt);
                    Text(w, a.ReturnReason);
                    Time(w, a.ResolvedAt);
                    Text(w, a.ResolutionNote);
                }
            }
            await w.CompleteAsync(ct);
        }
        await using (var w = await conn.BeginBinaryImportAsync(
            "copy incident_timeline (id, incident_id, at, actor, action, department_code, detail) from stdin (format binary)", ct))
        {
            long id = 0;
            for (var n = 0; n < rows.Length; n++)
            {
                foreach (var t in rows[n].Timeline)
                {
                    w.StartRow();
                    w.Write(++id, NpgsqlDbType.Bigint);
                    w.Write(n + 1L, NpgsqlDbType.Bigint);
                    Time(w, t.At);
                    w.Write(t.Actor, NpgsqlDbType.Text);
                    w.Write(t.Action, NpgsqlDbType.Text);
                    Text(w, t.DepartmentCode);
                    if (t.DetailJson is { } json) w.Write(json, NpgsqlDbType.Jsonb); else w.WriteNull();
                }
            }
            await w.CompleteAsync(ct);
        }
        await tx.CommitAsync(ct);
        return watch.Elapsed.TotalSeconds;
    }

    private static void Text(NpgsqlBinaryImporter w, string? value)
    {
        if (value is null) w.WriteNull(); else w.Write(value, NpgsqlDbType.Text);
    }

    private static void Time(NpgsqlBinaryImporter w, DateTimeOffset? value)
    {
        if (value is { } v) w.Write(v.UtcDateTime, NpgsqlDbType.TimestampTz); else w.WriteNull();
    }
}
