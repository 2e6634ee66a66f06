using System.Diagnostics;
using CommandCenter.Core.Data;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using static CommandCenter.Core.Data.DbTime;

namespace CommandCenter.Core.Features.Simulator;

/// <summary>
/// The demo's city (leader only). On the first start (no incidents yet) it writes <see cref="SimulatorOptions.HistoryDays"/>
/// of history through <see cref="IncidentBulkWriter"/>; then, once per tick, it reports the incidents due on the
/// simulated clock through <see cref="IncidentService.ReportAsync"/> and takes the lifecycle steps that have come
/// due (accept, return, reassign, resolve, close) through the same service, so live data takes the real path.
/// The simulated clock runs <see cref="SimulatorOptions.SpeedUp"/> times faster than real time. Steps still to come are
/// held in memory only: a new leader (a restart, or another node) resumes every unfinished simulator incident from
/// the state the database holds (<see cref="IncidentGenerator.Resume"/>), so no incident is left open for ever.
/// </summary>
public sealed class IncidentSimulator(
    NpgsqlDataSource dataSource, IncidentService incidents, IncidentBulkWriter writer, IncidentLocator locator, OrgStore org,
    WorkingCalendarService calendar, CityClock clock, TimeProvider time, IOptions<SimulatorOptions> options, ILogger<IncidentSimulator> logger,
    Rainstorm? rainstorm = null)
    : ILeaderJob
{
    private static readonly Actor Reporter = new(IncidentGenerator.ReporterActor);
    private static readonly Actor Commander = new(IncidentGenerator.CommanderActor);
    private static readonly AccessScope CommanderScope = AccessScope.For(Roles.Commander);

    /// <summary>A real tick that came very late (a paused process) catches up at most this much.</summary>
    private static readonly TimeSpan MaxCatchUp = TimeSpan.FromMinutes(1);

    private readonly PriorityQueue<(long IncidentId, PlannedStep Step), (DateTimeOffset At, long Seq)> steps = new();
    private long seq;

    public string Name => "simulator";

    /// <summary>The history written by this instance, if it wrote one.</summary>
    public BulkWriteResult? History { get; private set; }

    /// <summary>Unfinished incidents this instance resumed when it last started leading.</summary>
    public int Resumed { get; private set; }

    /// <summary>Live incidents reported and lifecycle steps taken so far.</summary>
    public (long Reported, long Steps) Live => (reported, taken);

    /// <summary>Live ticks completed since this instance last started leading.</summary>
    public long Ticks => Interlocked.Read(ref ticks);

    private long reported;
    private long taken;
    private long ticks;

    public async Task RunAsync(CancellationToken leadership)
    {
        var o = options.Value;
        if (!o.Enabled) return;
        var start = Millis(time.GetUtcNow());
        // Leadership may come back to this instance: what it planned before is planned again below.
        steps.Clear();
        Resumed = 0;
        Interlocked.Exchange(ref ticks, 0);
        var generator = await CreateGeneratorAsync(o.Seed, leadership);
        if (o.HistoryDays > 0 && !await AnyIncidentAsync(leadership))
            await WriteHistoryAsync(generator, start.AddDays(-o.HistoryDays), start, o.IncidentsPerDay, leadership);
        else
            await ResumeAsync(generator, start, o.ResumeSpread * o.SpeedUp, leadership);

        var lastReal = start;
        var simulated = start;
        while (!leadership.IsCancellationRequested)
        {
            await Task.Delay(o.TickInterval, time, leadership);
            var now = time.GetUtcNow();
            var elapsed = now - lastReal;
            lastReal = now;
            if (elapsed <= TimeSpan.Zero) continue;
            var until = simulated + (elapsed > MaxCatchUp ? MaxCatchUp : elapsed) * o.SpeedUp;
            await TickAsync(generator, simulated, until, o, leadership);
            simulated = until;
            Interlocked.Increment(ref ticks);
        }
    }

    /// <summary>Reports the incidents of [<paramref name="from"/>, <paramref name="to"/>) and takes the steps due by <paramref name="to"/>.</summary>
    private async Task TickAsync(IncidentGenerator generator, DateTimeOffset from, DateTimeOffset to, SimulatorOptions o, CancellationToken ct)
    {
        // A rainstorm under way (on the real clock, as the readings see it) adds its reports in the districts it hits.
        var storm = rainstorm?.ActiveAt(time.GetUtcNow());
        var rain = storm is null ? [] : generator.GenerateRain(from, to, storm.Districts, o.RainstormIncidentsPerHour * storm.IntensityAt(time.GetUtcNow()));
        foreach (var plan in generator.GenerateLive(from, to, o.IncidentsPerDay).Concat(rain))
        {
            try
            {
                var incident = await incidents.ReportAsync(Reporter, new NewIncident(IncidentSource.Simulator, plan.ServiceCode, plan.Description,
                    plan.Point, Datum.Wgs84, plan.StreetCode, plan.Address), ct);
                reported++;
                Schedule(incident.Id, plan.Steps);
            }
            catch (IncidentValidationException e)
            {
                logger.LogDebug("Simulated incident refused: {Reason}", e.Message);
            }
        }

        // The steps get what is left of the tick; the rest wait for the next one rather than pile the ticks up.
        var budget = Stopwatch.StartNew();
        while (steps.TryPeek(out var next, out var key) && key.At <= to && budget.Elapsed < o.TickInterval * 0.8)
        {
            steps.Dequeue();
            try
            {
                await TakeAsync(next.IncidentId, next.Step, ct);
                taken++;
            }
            catch (Exception e) when (e is AssignmentStateException or IncidentValidationException or AccessDeniedException)
            {
                // Someone acted on the incident meanwhile (a real operator in the demo): its script no longer applies.
                logger.LogDebug("Simulated step {Kind} on incident {Id} skipped: {Reason}", next.Step.Kind, next.IncidentId, e.Message);
            }
        }
    }

    private async Task TakeAsync(long incidentId, PlannedStep step, CancellationToken ct)
    {
        switch (step.Kind)
        {
            case StepKind.Reassign:
                await incidents.ReassignAsync(CommanderScope, Commander, incidentId, step.DepartmentCode!, ct);
                return;
            case StepKind.Close:
                await incidents.CloseAsync(Reporter, incidentId, step.Solved, step.Satisfaction!.Value, ct);
                return;
        }
        const string lead = """
            select id, department_code from assignment
            where incident_id = @incidentId and role = 'lead' and status in ('pending', 'accepted')
            """;
        (long Id, string Department)? assignment;
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
            assignment = await conn.QuerySingleOrDefaultAsync<(long, string)?>(new CommandDefinition(lead, new { incidentId }, cancellationToken: ct));
        if (assignment is not { } a || a.Department != step.DepartmentCode) return;
        var scope = new AccessScope(new HashSet<string> { Roles.Department }, DepartmentCode: a.Department);
        var actor = new Actor(IncidentGenerator.DepartmentActor(a.Department));
        switch (step.Kind)
        {
            case StepKind.Accept: await incidents.AcceptAsync(scope, actor, a.Id, ct); break;
            case StepKind.Return: await incidents.ReturnAsync(scope, actor, a.Id, step.Text!, ct); break;
            case StepKind.Resolve: await incidents.ResolveAsync(scope, actor, a.Id, step.Text!, ct); break;
        }
    }

    private async Task WriteHistoryAsync(IncidentGenerator generator, DateTimeOffset from, DateTimeOffset to, double perDay, CancellationToken ct)
    {
        var pending = new List<(int Index, IReadOnlyList<PlannedStep> Steps)>();
        var index = 0;
        var records = generator.GenerateWithClusters(from, to, perDay).Select(plan =>
        {
            var (incident, remaining) = IncidentGenerator.Materialize(plan, to);
            if (remaining.Count > 0) pending.Add((index, remaining));
            index++;
            return incident;
        });
        var result = await writer.WriteAsync(records, ct);
        History = result;
        foreach (var (i, remaining) in pending) Schedule(result.IncidentIds[i], remaining);
        logger.LogInformation(
            "Simulator history: {Incidents} incidents, {Assignments} assignments, {Timeline} timeline rows in {Seconds:0.0} s ({RowsPerSecond:0} rows/s, generation included)",
            result.IncidentIds.Count, result.Assignments, result.TimelineEntries, result.Elapsed.TotalSeconds, result.RowsPerSecond);
    }

    /// <summary>Plans the rest of every unfinished simulator incident's life; <paramref name="spread"/> is on the simulated clock.</summary>
    private async Task ResumeAsync(IncidentGenerator generator, DateTimeOffset now, TimeSpan spread, CancellationToken ct)
    {
        const string sql = """
            select i.id, i.service_code, i.sla_tier, i.status, i.bounces, i.reported_at, i.updated_at, i.due_at,
                   (select a.department_code from assignment a where a.incident_id = i.id and a.role = 'lead' order by a.id desc limit 1) as department
            from incident i
            where i.source = 'simulator' and i.status in ('open', 'assigned', 'accepted', 'resolved')
            order by i.id
            """;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<UnfinishedRow>(new CommandDefinition(sql, cancellationToken: ct));
        var count = 0;
        foreach (var r in rows)
        {
            var incident = new UnfinishedIncident(r.Id, r.ServiceCode, OrgCodes.ParseSlaTier(r.SlaTier), IncidentCodes.Parse<IncidentStatus>(r.Status),
                r.Bounces, Utc(r.ReportedAt), Utc(r.UpdatedAt), Utc(r.DueAt), r.Department);
            Schedule(r.Id, generator.Resume(incident, now, spread));
            count++;
        }
        Resumed = count;
        if (count > 0) logger.LogInformation("Simulator resumed {Count} unfinished incidents", count);
    }

    private void Schedule(long incidentId, IEnumerable<PlannedStep> planned)
    {
        foreach (var step in planned) steps.Enqueue((incidentId, step), (step.At, seq++));
    }

    private async Task<IncidentGenerator> CreateGeneratorAsync(int seed, CancellationToken ct) => new(
        await org.ListCategoriesAsync(ct), await org.ListStreetUnitsAsync(null, ct), locator, await calendar.GetAsync(ct), clock.Zone, seed);

    private async Task<bool> AnyIncidentAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition("select exists (select 1 from incident)", cancellationToken: ct));
    }

    private sealed class UnfinishedRow
    {
        public long Id { get; init; }
        public string ServiceCode { get; init; } = "";
        public string SlaTier { get; init; } = "";
        public string Status { get; init; } = "";
        public int Bounces { get; init; }
        public DateTime ReportedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
        public DateTime DueAt { get; init; }
        public string? Department { get; init; }
    }

    private static DateTimeOffset Millis(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);
}
