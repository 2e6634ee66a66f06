using System.Globalization;
using System.Text.Json;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Org;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace CommandCenter.Core.Features.Intake;

/// <summary>
/// Batches of sensor readings for the risk indicators: every row is checked (known, fed indicator; the district its
/// scope needs; a time neither in the future nor too old; a finite value in the plausible range). One bad row refuses
/// the whole batch with every reason, so nothing partial is stored; a good batch is one binary COPY and one bus event.
/// </summary>
public sealed class ReadingService(NpgsqlDataSource dataSource, OrgStore org, FeedStore feeds, CityClock clock, EventBus bus)
{
    public const int MaxBatch = 10_000;
    public const int MaxReportedErrors = 100;
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);
    private static readonly HashSet<string> Fields = ["indicator", "district", "at", "value"];

    private IReadOnlyDictionary<string, Indicator>? indicators;

    public async Task<IReadOnlyDictionary<string, Indicator>> IndicatorsAsync(CancellationToken ct = default)
    {
        if (indicators is not null) return indicators;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<IndicatorRow>(new CommandDefinition("""
            select code, domain, name_zh, name_en, unit_zh, unit_en, scope, worse, blue, yellow, orange, red, min_value, max_value, owner, derived
            from indicator order by sort_order
            """, cancellationToken: ct));
        return indicators = rows.Select(r => r.ToIndicator()).ToDictionary(i => i.Code);
    }

    /// <summary>Validates and stores a batch <c>{"readings": [{"indicator", "district", "at", "value"}, …]}</c>; returns how many were stored.</summary>
    public async Task<int> IngestAsync(long feedId, JsonElement body, CancellationToken ct = default)
    {
        var readings = await ValidateAsync(body, ct);
        var now = clock.UtcNow;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var copy = await conn.BeginBinaryImportAsync(
            "copy reading (indicator_code, district_adcode, at, value, received_at, feed_id) from stdin (format binary)", ct))
        {
            foreach (var r in readings)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(r.IndicatorCode, NpgsqlDbType.Text, ct);
                if (r.DistrictAdcode is null) await copy.WriteNullAsync(ct);
                else await copy.WriteAsync(r.DistrictAdcode, NpgsqlDbType.Char, ct);
                await copy.WriteAsync(r.At, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(r.Value, NpgsqlDbType.Double, ct);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
                await copy.WriteAsync(feedId, NpgsqlDbType.Bigint, ct);
            }
            await copy.CompleteAsync(ct);
        }
        await BusStore.CommitAsync(conn, tx, BusKinds.ReadingsReceived, [feedId], ct);
        bus.Published();
        await feeds.TouchAsync(feedId, now, ct);
        return readings.Count;
    }

    private async Task<IReadOnlyList<Reading>> ValidateAsync(JsonElement body, CancellationToken ct)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("readings", out var rows) || rows.ValueKind != JsonValueKind.Array)
            throw new ReadingBatchException([], "The body must be a JSON object with a \"readings\" array.");
        var count = rows.GetArrayLength();
        if (count is 0 or > MaxBatch) throw new ReadingBatchException([], $"A batch holds 1–{MaxBatch:N0} readings; this one has {count:N0}.");

        var catalog = await IndicatorsAsync(ct);
        var districts = (await org.ListDistrictsAsync(ct)).Select(d => d.Adcode).ToHashSet();
        var now = clock.UtcNow;
        var errors = new List<ReadingError>();
        var readings = new List<Reading>(count);
        var index = 0;
        foreach (var row in rows.EnumerateArray())
        {
            var i = index++;
            void Fail(string field, string reason) => errors.Add(new ReadingError(i, field, reason));
            if (row.ValueKind != JsonValueKind.Object) { Fail("", "A reading must be a JSON object."); continue; }
            if (row.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !Fields.Contains(n)) is { } unknown)
            {
                Fail(unknown.Length > 40 ? unknown[..40] : unknown, "Unknown field; a reading has indicator, district, at and value.");
                continue;
            }
            var before = errors.Count;

            Indicator? indicator = null;
            if (!row.TryGetProperty("indicator", out var code) || code.ValueKind != JsonValueKind.String) Fail("indicator", "Required, a string.");
            else if (!catalog.TryGetValue(code.GetString()!, out indicator)) Fail("indicator", "Not an indicator of the catalog.");
            else if (indicator.Derived) Fail("indicator", "Computed from incidents and orders; it cannot be fed.");

            string? district = null;
            var hasDistrict = row.TryGetProperty("district", out var d) && d.ValueKind != JsonValueKind.Null;
            if (indicator is { PerDistrict: true })
            {
                if (!hasDistrict || d.ValueKind != JsonValueKind.String) Fail("district", "Required for this indicator: a district code such as 110101.");
                else if (!districts.Contains(d.GetString()!)) Fail("district", "Not a district of this city.");
                else district = d.GetString();
            }
            else if (indicator is not null && hasDistrict) Fail("district", "This indicator is city-wide: leave district out.");

            var at = default(DateTimeOffset);
            if (!row.TryGetProperty("at", out var time) || time.ValueKind != JsonValueKind.String
                || !DateTimeOffset.TryParse(time.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.None, out at)
                || !HasOffset(time.GetString()!))
                Fail("at", "Required: an ISO 8601 time with its offset, e.g. 2026-11-27T10:00:00+08:00.");
            else if (at > now + MaxAhead) Fail("at", "In the future.");
            else if (at < now - MaxAge) Fail("at", $"Older than {MaxAge.TotalDays:0} days.");

            var value = double.NaN;
            if (!row.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out value) || !double.IsFinite(value))
                Fail("value", "Required: a finite number.");
            else if (indicator is not null && (value < indicator.MinValue || value > indicator.MaxValue))
                Fail("value", $"Outside the plausible range {indicator.MinValue.ToString(CultureInfo.InvariantCulture)}–{indicator.MaxValue.ToString(CultureInfo.InvariantCulture)}.");

            if (errors.Count == before) readings.Add(new Reading(indicator!.Code, district, at.ToUniversalTime(), value));
        }
        if (errors.Count > 0)
            throw new ReadingBatchException(errors.Take(MaxReportedErrors).ToList(),
                $"{errors.Select(e => e.Row).Distinct().Count():N0} of {count:N0} readings are not valid; nothing was stored.");
        return readings;
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z') || text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':';

    private sealed class IndicatorRow
    {
        public string Code { get; init; } = "";
        public string Domain { get; init; } = "";
        public string NameZh { get; init; } = "";
        public string NameEn { get; init; } = "";
        public string UnitZh { get; init; } = "";
        public string UnitEn { get; init; } = "";
        public string Scope { get; init; } = "";
        public string Worse { get; init; } = "";
        public double Blue { get; init; }
        public double Yellow { get; init; }
        public double Orange { get; init; }
        public double Red { get; init; }
        public double MinValue { get; init; }
        public double MaxValue { get; init; }
        public string Owner { get; init; } = "";
        public bool Derived { get; init; }

        public Indicator ToIndicator() => new(Code, Domain, NameZh, NameEn, UnitZh, UnitEn, Scope == "district", Worse == "higher",
            Blue, Yellow, Orange, Red, MinValue, MaxValue, Owner, Derived);
    }
}
