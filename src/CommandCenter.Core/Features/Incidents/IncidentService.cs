using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Org;
using Npgsql;

namespace CommandCenter.Core.Features.Incidents;

/// <summary>
/// The incident lifecycle: report (located, given its due time, offered to the category's lead department),
/// accept, return with a reason (a bounce), resolve, close after the return visit. Every step is one
/// transaction with its timeline entry.
/// </summary>
public sealed class IncidentService(
    NpgsqlDataSource dataSource, IncidentStore store, IncidentLocator locator, WorkingCalendarService calendar, OrgStore org, EventBus bus, TimeProvider time)
{
    private IReadOnlyDictionary<string, Category>? categories;

    public async Task<Incident> ReportAsync(Actor actor, NewIncident input, CancellationToken ct = default)
    {
        var category = (await CategoriesAsync(ct)).GetValueOrDefault(input.ServiceCode)
            ?? throw new IncidentValidationException($"Unknown service code '{input.ServiceCode}'.");
        input = Validate(input);
        var where = locator.Locate(input.Point, input.Datum, input.StreetCode) switch
        {
            LocationResult.Located located => located,
            LocationResult.Rejected rejected => throw new IncidentValidationException(rejected.Reason),
            _ => throw new InvalidOperationException(),
        };
        var now = time.GetUtcNow();
        var reportedAt = input.ReportedAt is { } r && r <= now ? r.ToUniversalTime() : now;
        var due = await calendar.DueAtAsync(reportedAt, category.SlaTier, ct);

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var incident = await store.InsertReportedAsync(input, where, category.SlaTier, reportedAt, due, category.LeadDepartment, actor, now, conn, tx, ct);
        if (incident is null)
        {
            // The same source sent the same request again: answer with the one already recorded.
            await tx.RollbackAsync(ct);
            return (await store.GetAsync((await store.FindBySourceRefAsync(input.Source, input.SourceRef!, ct))!.Value, ct))!;
        }
        await CommitAsync(conn, tx, incident.Id, ct, BusKinds.IncidentReported);
        return incident;
    }

    /// <summary>One incident, if it lies in the caller's districts (department staff: if it was ever assigned to their department).</summary>
    public async Task<Incident?> GetAsync(AccessScope scope, long id, CancellationToken ct = default)
    {
        var incident = await store.GetAsync(id, ct);
        if (incident is null) return null;
        scope.EnsureDistrict(incident.DistrictAdcode);
        var departmentOnly = scope.Has(Roles.Department)
            && !(scope.Has(Roles.Commander) || scope.Has(Roles.Supervisor) || scope.Has(Roles.Admin) || scope.Has(Roles.WallDisplay));
        if (departmentOnly && (scope.DepartmentCode is not { } own || !await store.HasAssignmentAsync(id, own, ct)))
            throw new AccessDeniedException($"Incident {id} was never assigned to this account's department.");
        return incident;
    }

    public async Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(AccessScope scope, long incidentId, CancellationToken ct = default) =>
        await GetAsync(scope, incidentId, ct) is null ? [] : await store.TimelineAsync(incidentId, ct);

    /// <summary>
    /// A page of a department's assignments with the counts over all of them. Department staff read only their own
    /// department; district roles none. Pages hold 1–500 rows.
    /// </summary>
    public Task<InboxPage> ListInboxAsync(AccessScope scope, string departmentCode, InboxQuery? query = null, CancellationToken ct = default)
    {
        EnsureDepartment(scope, departmentCode);
        query ??= new InboxQuery();
        if (query.Sort is { } sort && !InboxQuery.InboxSorts.Contains(sort)) throw new IncidentValidationException($"Unknown sort '{sort}'.");
        query = query with { Offset = Math.Max(0, query.Offset), Limit = Math.Clamp(query.Limit, 1, 500) };
        return store.InboxAsync(departmentCode, query, time.GetUtcNow(), ct);
    }

    /// <summary>签收: the department takes the assignment on. Accepting twice is one acceptance.</summary>
    public Task AcceptAsync(AccessScope scope, Actor actor, long assignmentId, CancellationToken ct = default) =>
        ChangeAssignmentAsync(scope, actor, assignmentId, "accepted", null, async (a, now, conn, tx) =>
        {
            if (a.Status == AssignmentStatus.Accepted) return false;
            Require(a.Status == AssignmentStatus.Pending, AssignmentRefusals.NotPending, "Only a pending assignment can be accepted.");
            await store.AcceptAsync(assignmentId, a.IncidentId, a.Role == AssignmentRole.Lead, now, conn, tx, ct);
            return true;
        }, ct);

    /// <summary>退单: the department hands the assignment back with a reason; the incident counts one more bounce.</summary>
    public Task ReturnAsync(AccessScope scope, Actor actor, long assignmentId, string reason, CancellationToken ct = default)
    {
        reason = Text(reason, 2, 1000, "The reason");
        return ChangeAssignmentAsync(scope, actor, assignmentId, "returned", new { reason }, async (a, now, conn, tx) =>
        {
            Require(a.Status is AssignmentStatus.Pending or AssignmentStatus.Accepted, AssignmentRefusals.NotOpen, "This assignment is no longer open.");
            await store.ReturnAsync(assignmentId, a.IncidentId, a.Role == AssignmentRole.Lead, reason, now, conn, tx, ct);
            return true;
        }, ct);
    }

    /// <summary>办结: the department reports the work done (the incident waits for the caller's return visit).</summary>
    public Task ResolveAsync(AccessScope scope, Actor actor, long assignmentId, string note, CancellationToken ct = default)
    {
        note = Text(note, 2, 2000, "The note");
        return ChangeAssignmentAsync(scope, actor, assignmentId, "resolved", new { note }, async (a, now, conn, tx) =>
        {
            Require(a.Status == AssignmentStatus.Accepted, AssignmentRefusals.NotAccepted, "Accept the assignment before resolving it.");
            await store.ResolveAsync(assignmentId, a.IncidentId, a.Role == AssignmentRole.Lead, note, now, conn, tx, ct);
            return true;
        }, ct);
    }

    /// <summary>Gives the incident a new lead department (the commander's call after a bounce).</summary>
    public async Task ReassignAsync(AccessScope scope, Actor actor, long incidentId, string departmentCode, CancellationToken ct = default)
    {
        if (!scope.Has(Roles.Commander)) throw new AccessDeniedException("Only a commander reassigns incidents.");
        if ((await org.ListDepartmentsAsync(ct)).All(d => d.Code != departmentCode)) throw new IncidentValidationException($"Unknown department '{departmentCode}'.");
        var now = time.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var incident = await store.GetAsync(incidentId, ct) ?? throw new IncidentValidationException($"No incident {incidentId}.");
        Require(incident.Status is IncidentStatus.Open or IncidentStatus.Assigned or IncidentStatus.Accepted, AssignmentRefusals.IncidentResolved, "The incident is already resolved.");
        if (await store.WithdrawLeadAsync(incidentId, now, conn, tx, ct) is { } previous)
            await store.AppendTimelineAsync(incidentId, now, actor, "withdrawn", previous, null, conn, tx, ct);
        await store.AssignAsync(incidentId, departmentCode, AssignmentRole.Lead, actor.Name, now, conn, tx, ct);
        await store.AppendTimelineAsync(incidentId, now, actor, "assigned", departmentCode, new { role = "lead" }, conn, tx, ct);
        await CommitAsync(conn, tx, incidentId, ct);
    }

    /// <summary>Records the caller's return visit (回访) and closes the incident.</summary>
    public async Task CloseAsync(Actor actor, long incidentId, bool solved, Satisfaction satisfaction, CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        Require(await store.CloseAsync(incidentId, solved, satisfaction, now, conn, tx, ct), AssignmentRefusals.IncidentNotResolved, "Only a resolved incident can be closed.");
        await store.AppendTimelineAsync(incidentId, now, actor, "closed", null, new { solved, satisfaction = IncidentCodes.Code(satisfaction) }, conn, tx, ct);
        await CommitAsync(conn, tx, incidentId, ct);
    }

    private async Task ChangeAssignmentAsync(AccessScope scope, Actor actor, long assignmentId, string action, object? detail,
        Func<(long IncidentId, string DepartmentCode, AssignmentRole Role, AssignmentStatus Status), DateTimeOffset, NpgsqlConnection, NpgsqlTransaction, Task<bool>> change,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var assignment = await store.LockAssignmentAsync(assignmentId, conn, tx, ct) ?? throw new AssignmentStateException(AssignmentRefusals.NoAssignment, $"No assignment {assignmentId}.");
        EnsureDepartment(scope, assignment.DepartmentCode, acting: true);
        if (!await change(assignment, now, conn, tx))
        {
            await tx.CommitAsync(ct);
            return;
        }
        await store.AppendTimelineAsync(assignment.IncidentId, now, actor, action, assignment.DepartmentCode, detail, conn, tx, ct);
        await CommitAsync(conn, tx, assignment.IncidentId, ct);
    }

    /// <summary>The change and its bus event commit together; then this node and the others are woken.</summary>
    private async Task CommitAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long incidentId, CancellationToken ct, string kind = BusKinds.IncidentChanged)
    {
        await BusStore.CommitAsync(conn, tx, kind, [incidentId], ct);
        bus.Published();
    }

    /// <summary>Department staff act for their own department only; commanders may read any inbox but act for none.</summary>
    private static void EnsureDepartment(AccessScope scope, string departmentCode, bool acting = false)
    {
        if (scope.Has(Roles.Department) && scope.DepartmentCode == departmentCode) return;
        if (!acting && (scope.Has(Roles.Commander) || scope.Has(Roles.Supervisor) || scope.Has(Roles.Admin))) return;
        throw new AccessDeniedException($"The assignments of '{departmentCode}' are outside this account's scope.");
    }

    private async Task<IReadOnlyDictionary<string, Category>> CategoriesAsync(CancellationToken ct) =>
        categories ??= (await org.ListCategoriesAsync(ct)).ToDictionary(c => c.ServiceCode);

    private static NewIncident Validate(NewIncident input) => input with
    {
        Description = Text(input.Description, 1, 4000, "The description"),
        Address = input.Address is null ? null : Text(input.Address, 1, 500, "The address"),
        SourceRef = input.SourceRef is null ? null : Text(input.SourceRef, 1, 100, "The source reference"),
        CallerName = input.CallerName is null ? null : Text(input.CallerName, 1, 100, "The caller's name"),
        CallerPhone = input.CallerPhone is null ? null
            : Text(input.CallerPhone, 3, 40, "The caller's phone") is var phone && phone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ')
                ? phone : throw new IncidentValidationException("The caller's phone may hold only digits, '+', '-' and spaces."),
    };

    private static string Text(string? value, int min, int max, string what)
    {
        var text = value?.Trim() ?? "";
        return text.Length >= min && text.Length <= max ? text
            : throw new IncidentValidationException($"{what} must be {min}–{max} characters.");
    }

    private static void Require(bool condition, string code, string message)
    {
        if (!condition) throw new AssignmentStateException(code, message);
    }
}
