using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Risk;
using CommandCenter.Core.Features.Situation;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core.Features.Dispatch;

/// <summary>
/// Orders from the city tier to districts: issued (one click with inferred defaults, or edited), delivered,
/// acknowledged (签收), reported on, completed, recalled, escalated. Each change is one transaction with its audit
/// row, its numbered deliveries and its bus event; nothing is pushed before it commits.
/// </summary>
public sealed class DispatchService(
    NpgsqlDataSource dataSource, DispatchStore store, IncidentStore incidents, OrgStore org, WorkingCalendarService calendar,
    SituationState situation, CityClock clock, EventBus bus, IOptions<DispatchOptions> options, AlertOrders? alertOrders = null)
{
    public const int MaxTargets = 16;

    /// <summary>
    /// The order one click would issue for a source: targets from the location, lead from the suggestion or category, priority from the SLA tier,
    /// deadline from the category. For a risk alert (<see cref="AlertService.OrderSourceFor"/>) see <see cref="AlertOrders"/>.
    /// </summary>
    public async Task<NewOrder> DraftAsync(AccessScope scope, OrderSource source, CancellationToken ct = default)
    {
        EnsureCommander(scope);
        if (source.Kind == OrderSourceKind.Alert)
            return await (alertOrders ?? throw new InvalidOperationException("Risk alerts are not composed.")).DraftAsync(source, ct);
        var now = clock.UtcNow;
        var categories = (await org.ListCategoriesAsync(ct)).ToDictionary(c => c.ServiceCode);
        var found = new List<Incident>();
        foreach (var id in source.IncidentIds)
            found.Add(await incidents.GetAsync(id, ct) ?? throw new DispatchValidationException(Refusals.NoIncident, $"No incident {id}.", id));
        if (found.Count == 0)
            throw new DispatchValidationException(Refusals.OneClickSource, "A one-click order needs an incident, a dispute or a compound problem; use the order form otherwise.");

        var tiers = found.Select(i => categories[i.ServiceCode].SlaTier).ToList();
        var tightest = tiers.Min();
        var priority = tightest == SlaTier.Hours2 || found.Any(i => i.DueAt < now) ? OrderPriority.ExtraUrgent
            : tightest == SlaTier.Hours24 || source.Kind is OrderSourceKind.Dispute or OrderSourceKind.Compound ? OrderPriority.Urgent
            : OrderPriority.Normal;
        var deadline = await calendar.DueAtAsync(now, tightest, ct);

        var targets = found.GroupBy(i => i.DistrictAdcode).Select(g =>
        {
            var departments = g.Select(i => LeadFor(source, i, categories)).Concat(g.SelectMany(i => categories[i.ServiceCode].SupportDepartments)).Distinct().ToList();
            var lead = departments[0];
            return new NewTarget(g.Key, lead, departments.Skip(1).ToList(), g.Select(i => i.StreetCode).Distinct().Order().ToList());
        }).ToList();
        return new NewOrder(priority, deadline, targets, source, Instruction(source, found, categories));
    }

    /// <summary>One click: issues the drafted order at once (or returns the open one that already covers the source).</summary>
    public async Task<IssueResult> DispatchAsync(AccessScope scope, Actor actor, OrderSource source, CancellationToken ct = default) =>
        await IssueAsync(scope, actor, await DraftAsync(scope, source, ct), ct);

    public async Task<IssueResult> IssueAsync(AccessScope scope, Actor actor, NewOrder order, CancellationToken ct = default)
    {
        EnsureCommander(scope);
        var now = clock.UtcNow;
        order = await ValidateAsync(order, now, ct);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await store.LockOpenOrderForAsync(order.Source, conn, tx, ct) is { } existing)
        {
            await tx.RollbackAsync(ct);
            return new IssueResult((await store.GetAsync(existing, ct))!, Created: false);
        }
        var year = clock.ToLocal(now).Year;
        var number = $"{options.Value.NumberPrefix}〔{year}〕{await store.NextNumberAsync(year, conn, tx, ct):D4}号";
        var ackDue = now + options.Value.AckSla(order.Priority);
        var orderId = await store.InsertOrderAsync(number, year, order, actor.Name, now, ackDue, conn, tx, ct);
        await store.InsertIncidentLinksAsync(orderId, order.Source.IncidentIds, conn, tx, ct);
        await store.AuditAsync(orderId, null, actor, "issued", new
        {
            number, priority = IncidentCodes.Code(order.Priority), source = IncidentCodes.Code(order.Source.Kind), order.Source.Ref, deadline = order.Deadline,
        }, now, conn, tx, ct);
        foreach (var target in order.Targets)
        {
            var targetId = await store.InsertTargetAsync(orderId, target, now, conn, tx, ct);
            await store.AppendDeliveryAsync(target.DistrictAdcode, orderId, targetId, "issued", now, conn, tx, ct);
        }
        await CommitAsync(conn, tx, orderId, ct);
        return new IssueResult((await store.GetAsync(orderId, ct))!, Created: true);
    }

    /// <summary>Withdraws an active order (the commander's Undo, or a later change of mind); completed targets keep their report.</summary>
    public async Task<Order> RecallAsync(AccessScope scope, Actor actor, long orderId, CancellationToken ct = default)
    {
        EnsureCommander(scope);
        var now = clock.UtcNow;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var order = await store.LockOrderAsync(orderId, conn, tx, ct) ?? throw new DispatchValidationException(Refusals.NoOrder, $"No order {orderId}.", orderId);
        if (order.Status == OrderStatus.Recalled) { await tx.RollbackAsync(ct); return order; }
        Require(order.Status == OrderStatus.Active, Refusals.NotActive, "Only an active order can be recalled.");
        foreach (var target in order.Targets.Where(t => t.IsOpen))
        {
            await store.SetTargetStateAsync(target.Id, TargetState.Recalled, now, conn, tx, ct);
            await store.AppendDeliveryAsync(target.DistrictAdcode, orderId, target.Id, "recalled", now, conn, tx, ct);
        }
        await store.SetOrderStatusAsync(orderId, OrderStatus.Recalled, now, conn, tx, ct);
        await store.AuditAsync(orderId, null, actor, "recalled", null, now, conn, tx, ct);
        await CommitAsync(conn, tx, orderId, ct);
        return (await store.GetAsync(orderId, ct))!;
    }

    /// <summary>A client (browser or district system) confirms it received the target's delivery.</summary>
    public Task<OrderTarget> ConfirmDeliveredAsync(AccessScope scope, Actor actor, long targetId, CancellationToken ct = default) =>
        ChangeTargetAsync(scope, actor, targetId, async (t, now, conn, tx) =>
        {
            if (t.State != TargetState.Sent) return null;
            await store.SetTargetStateAsync(t.Id, TargetState.Delivered, now, conn, tx, ct);
            return ("delivered", null);
        }, ct);

    /// <summary>签收: a person takes the order on. Acknowledging twice is one acknowledgment.</summary>
    public Task<OrderTarget> AcknowledgeAsync(AccessScope scope, Actor actor, long targetId, string? comment, CancellationToken ct = default)
    {
        comment = string.IsNullOrWhiteSpace(comment) ? null : Text(comment, 1, 1000, Refusals.CommentLength, "The comment");
        return ChangeTargetAsync(scope, actor, targetId, async (t, now, conn, tx) =>
        {
            if (!t.Unacknowledged)
            {
                Require(t.State != TargetState.Recalled, Refusals.Recalled, "This order was recalled.");
                return null;
            }
            await store.SetTargetStateAsync(t.Id, TargetState.Acknowledged, now, conn, tx, ct, actor.Name, comment);
            return ("acknowledged", comment is null ? null : new { comment });
        }, ct);
    }

    /// <summary>A progress report. The same <paramref name="requestKey"/> twice records it once.</summary>
    public Task<OrderTarget> ReportProgressAsync(AccessScope scope, Actor actor, long targetId, string text, Guid? requestKey, CancellationToken ct = default)
    {
        text = Text(text, 1, 4000, Refusals.ReportLength, "The report");
        return ChangeTargetAsync(scope, actor, targetId, async (t, now, conn, tx) =>
        {
            RequireWorking(t);
            if (!await store.InsertProgressAsync(t.Id, "progress", text, actor.Name, requestKey, now, conn, tx, ct)) return null;
            await store.SetTargetStateAsync(t.Id, TargetState.InProgress, now, conn, tx, ct);
            return ("progress", new { text });
        }, ct);
    }

    /// <summary>The district reports the work done: the order's incidents in the district are resolved; the order completes with its last target.</summary>
    public Task<OrderTarget> CompleteAsync(AccessScope scope, Actor actor, long targetId, string report, Guid? requestKey, CancellationToken ct = default)
    {
        report = Text(report, 1, 4000, Refusals.ReportLength, "The report");
        return ChangeTargetAsync(scope, actor, targetId, async (t, now, conn, tx) =>
        {
            if (t.State == TargetState.Completed) return null;
            RequireWorking(t);
            await store.InsertProgressAsync(t.Id, "completed", report, actor.Name, requestKey, now, conn, tx, ct);
            await store.SetTargetStateAsync(t.Id, TargetState.Completed, now, conn, tx, ct, actor.Name, report);
            var order = (await store.LockOrderAsync(t.OrderId, conn, tx, ct))!;
            var resolved = await store.ResolveIncidentsAsync(t.OrderId, t.DistrictAdcode, $"{order.Number}: {report}", now, conn, tx, ct);
            foreach (var incidentId in resolved)
                await incidents.AppendTimelineAsync(incidentId, now, actor, "resolved", t.LeadDepartment, new { order = order.Number }, conn, tx, ct);
            if (order.Targets.All(o => o.Id == t.Id || !o.IsOpen))
                await store.SetOrderStatusAsync(t.OrderId, OrderStatus.Completed, now, conn, tx, ct);
            if (resolved.Count > 0) await BusStore.AppendAsync(conn, tx, BusKinds.IncidentChanged, resolved, ct);
            return ("completed", new { report, resolved });
        }, ct);
    }

    /// <summary>
    /// Leader only: targets not acknowledged within their SLA are escalated — marked, re-delivered and listed for
    /// supervisors — and re-notified every <see cref="DispatchOptions.Renotify"/> until someone acknowledges.
    /// </summary>
    public async Task<int> EscalateDueAsync(CancellationToken ct = default)
    {
        var now = clock.UtcNow;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var due = await store.LockOverdueAcksAsync(now, now - options.Value.Renotify, conn, tx, ct);
        if (due.Count == 0) { await tx.RollbackAsync(ct); return 0; }
        var system = new Actor("system");
        foreach (var t in due)
        {
            await store.MarkEscalatedAsync(t.Id, now, conn, tx, ct);
            await store.AppendDeliveryAsync(t.DistrictAdcode, t.OrderId, t.Id, "escalated", now, conn, tx, ct);
            await store.AuditAsync(t.OrderId, t.Id, system, "escalated", new { escalations = t.Escalations + 1 }, now, conn, tx, ct);
        }
        await BusStore.CommitAsync(conn, tx, BusKinds.OrderChanged, due.Select(t => t.OrderId).Distinct().ToList(), ct);
        bus.Published();
        return due.Count;
    }

    public async Task<Order?> GetAsync(AccessScope scope, long orderId, CancellationToken ct = default)
    {
        var order = await store.GetAsync(orderId, ct);
        return order is not null && CanRead(scope, order) ? order : null;
    }

    /// <summary>Newest first. A liaison sees only orders with a target in its district.</summary>
    public Task<IReadOnlyList<Order>> ListAsync(AccessScope scope, bool activeOnly = false, bool escalatedOnly = false, int limit = 100, CancellationToken ct = default)
    {
        var district = ReaderDistrict(scope);
        return store.ListAsync(activeOnly, district, escalatedOnly, Math.Clamp(limit, 1, 500), ct);
    }

    public async Task<IReadOnlyList<OrderHistoryEntry>> HistoryAsync(AccessScope scope, long orderId, CancellationToken ct = default) =>
        await GetAsync(scope, orderId, ct) is null ? [] : await store.HistoryAsync(orderId, ct);

    public async Task<IReadOnlyList<OrderProgress>> ProgressAsync(AccessScope scope, long orderId, CancellationToken ct = default) =>
        await GetAsync(scope, orderId, ct) is null ? [] : await store.ProgressAsync([orderId], null, ct);

    /// <summary>The reports of several orders in one read; a liaison gets only its own district's.</summary>
    public Task<IReadOnlyList<OrderProgress>> ProgressAsync(AccessScope scope, IReadOnlyList<long> orderIds, CancellationToken ct = default) =>
        store.ProgressAsync(orderIds, ReaderDistrict(scope), ct);

    /// <summary>The caller's district's deliveries after the last number it saw, in order (what a reconnecting client asks for).</summary>
    public Task<IReadOnlyList<Delivery>> DeliveriesAfterAsync(AccessScope scope, long afterSeq, int limit = 200, CancellationToken ct = default)
    {
        var district = LiaisonDistrict(scope);
        return store.DeliveriesAfterAsync(district, Math.Max(0, afterSeq), Math.Clamp(limit, 1, 1000), ct);
    }

    public Task<OrderCounts> CountsAsync(CancellationToken ct = default) => store.CountsAsync(clock.UtcNow, ct);

    /// <summary>The district a liaison (or a district system signed in as one) acts for.</summary>
    public static string LiaisonDistrict(AccessScope scope) =>
        scope.Has(Roles.Liaison) && scope.DistrictAdcode is { Length: 6 } d ? d
            : throw new AccessDeniedException("Only a district liaison receives and acts on orders.");

    private async Task<OrderTarget> ChangeTargetAsync(AccessScope scope, Actor actor, long targetId,
        Func<OrderTarget, DateTimeOffset, NpgsqlConnection, NpgsqlTransaction, Task<(string Action, object? Detail)?>> change, CancellationToken ct)
    {
        var district = LiaisonDistrict(scope);
        var now = clock.UtcNow;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var target = await store.LockTargetAsync(targetId, conn, tx, ct);
        if (target is null || target.DistrictAdcode != district)
            throw new AccessDeniedException($"Order target {targetId} is not addressed to this account's district.");
        if (await change(target, now, conn, tx) is not { } done)
        {
            await tx.RollbackAsync(ct);
            return target;
        }
        await store.AuditAsync(target.OrderId, target.Id, actor, done.Action, done.Detail, now, conn, tx, ct);
        await CommitAsync(conn, tx, target.OrderId, ct);
        return (await store.GetAsync(target.OrderId, ct))!.Targets.Single(t => t.Id == targetId);
    }

    private async Task CommitAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long orderId, CancellationToken ct)
    {
        await BusStore.CommitAsync(conn, tx, BusKinds.OrderChanged, [orderId], ct);
        bus.Published();
    }

    private async Task<NewOrder> ValidateAsync(NewOrder order, DateTimeOffset now, CancellationToken ct)
    {
        if (!Enum.IsDefined(order.Priority)) throw new DispatchValidationException(Refusals.UnknownPriority, "Unknown priority.");
        if (!Enum.IsDefined(order.Source.Kind)) throw new DispatchValidationException(Refusals.UnknownSource, "Unknown source.");
        if (order.Targets is not { Count: >= 1 and <= MaxTargets })
            throw new DispatchValidationException(Refusals.TargetCount, $"An order needs 1–{MaxTargets} target districts.", MaxTargets);
        if (order.Targets.Select(t => t.DistrictAdcode).Distinct().Count() != order.Targets.Count)
            throw new DispatchValidationException(Refusals.DistrictTwice, "Each district may be named once.");
        if (order.Deadline <= now || order.Deadline > now.AddDays(366))
            throw new DispatchValidationException(Refusals.Deadline, "The deadline must be in the future and within a year.");
        if (order.Source.Kind is OrderSourceKind.Incident or OrderSourceKind.Dispute or OrderSourceKind.Compound && order.Source.IncidentIds.Count == 0)
            throw new DispatchValidationException(Refusals.SourceIncidents, "This source needs its incidents.");
        if (order.Source.IncidentIds.Count > 200) throw new DispatchValidationException(Refusals.TooManyIncidents, "An order covers at most 200 incidents.", 200);
        var departments = (await org.ListDepartmentsAsync(ct)).Select(d => d.Code).ToHashSet();
        var districts = (await org.ListDistrictsAsync(ct)).Select(d => d.Adcode).ToHashSet();
        foreach (var t in order.Targets)
        {
            if (!districts.Contains(t.DistrictAdcode)) throw new DispatchValidationException(Refusals.UnknownDistrict, $"Unknown district '{t.DistrictAdcode}'.", t.DistrictAdcode);
            if (!departments.Contains(t.LeadDepartment)) throw new DispatchValidationException(Refusals.UnknownDepartment, $"Unknown department '{t.LeadDepartment}'.", t.LeadDepartment);
            if (t.SupportDepartments.FirstOrDefault(d => !departments.Contains(d)) is { } unknown)
                throw new DispatchValidationException(Refusals.UnknownDepartment, $"Unknown department '{unknown}'.", unknown);
            if (t.StreetCodes.Count > 50 || t.StreetCodes.Any(s => s.Length != 9 || !s.StartsWith(t.DistrictAdcode, StringComparison.Ordinal)))
                throw new DispatchValidationException(Refusals.StreetsOutside, $"Street units must lie in district {t.DistrictAdcode}.", t.DistrictAdcode);
        }
        var streets = order.Targets.SelectMany(t => t.StreetCodes).ToList();
        if (streets.Count > 0)
        {
            var known = (await org.ListStreetUnitsAsync(null, ct)).Select(s => s.Code).ToHashSet();
            if (streets.FirstOrDefault(s => !known.Contains(s)) is { } unknownStreet) throw new DispatchValidationException(Refusals.UnknownStreet, $"Unknown street unit '{unknownStreet}'.", unknownStreet);
        }
        return order with
        {
            Instruction = Text(order.Instruction, 1, 4000, Refusals.InstructionLength, "The instruction"),
            Targets = order.Targets.Select(t => t with
            {
                SupportDepartments = t.SupportDepartments.Where(d => d != t.LeadDepartment).Distinct().ToList(),
                StreetCodes = t.StreetCodes.Distinct().ToList(),
            }).ToList(),
        };
    }

    private string LeadFor(OrderSource source, Incident incident, IReadOnlyDictionary<string, Category> categories)
    {
        if (source.Kind == OrderSourceKind.Dispute
            && situation.Current.Disputes.FirstOrDefault(d => d.IncidentId == incident.Id)?.Suggestion is { DepartmentCode: { } suggested })
            return suggested;
        return categories[incident.ServiceCode].LeadDepartment;
    }

    /// <summary>The instruction text is what the district reads: in the city's language, naming what and where.</summary>
    private static string Instruction(OrderSource source, IReadOnlyList<Incident> found, IReadOnlyDictionary<string, Category> categories)
    {
        var what = string.Join("、", found.Select(i => categories[i.ServiceCode].NameZh).Distinct());
        var first = found[0];
        var where = first.Address ?? (first.Description.Length > 60 ? first.Description[..60] + "…" : first.Description);
        var ids = string.Join("、", found.Take(10).Select(i => $"#{i.Id}")) + (found.Count > 10 ? $" 等{found.Count}件" : "");
        return source.Kind switch
        {
            OrderSourceKind.Dispute => $"请牵头处置权属争议诉求（{what}）：{where}。诉求 {ids} 已多次退单或逾期无人签收，请明确责任并限期办结。",
            OrderSourceKind.Compound => $"请牵头会同相关部门处置同一地点的复合问题（{what}）：{where}。涉及诉求 {ids}。",
            _ => $"请督办诉求（{what}）：{where}。诉求 {ids}。",
        };
    }

    private bool CanRead(AccessScope scope, Order order) =>
        scope.Has(Roles.Commander) || scope.Has(Roles.Supervisor) || scope.Has(Roles.Admin) || scope.Has(Roles.WallDisplay)
        || (scope.Has(Roles.Liaison) && order.Targets.Any(t => t.DistrictAdcode == scope.DistrictAdcode));

    private static string? ReaderDistrict(AccessScope scope) =>
        scope.Has(Roles.Commander) || scope.Has(Roles.Supervisor) || scope.Has(Roles.Admin) || scope.Has(Roles.WallDisplay) ? null : LiaisonDistrict(scope);

    private static void EnsureCommander(AccessScope scope)
    {
        if (!scope.Has(Roles.Commander)) throw new AccessDeniedException("Only a commander issues or recalls orders.");
    }

    private static string Text(string? value, int min, int max, string code, string what)
    {
        var text = value?.Trim() ?? "";
        return text.Length >= min && text.Length <= max ? text
            : throw new DispatchValidationException(code, $"{what} must be {min}–{max} characters.", min, max);
    }

    private static void Require(bool condition, string code, string message)
    {
        if (!condition) throw new OrderStateException(code, message);
    }

    /// <summary>Progress and completion need an acknowledged target that is still open.</summary>
    private static void RequireWorking(OrderTarget t)
    {
        if (t.State is TargetState.Acknowledged or TargetState.InProgress) return;
        throw t.Unacknowledged
            ? new OrderStateException(Refusals.AcknowledgeFirst, "Acknowledge the order first.")
            : new OrderStateException(Refusals.Closed, "This order is no longer open.");
    }
}
