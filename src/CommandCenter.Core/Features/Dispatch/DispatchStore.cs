using System.Data;
using System.Text.Json;
using CommandCenter.Core.Data;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using Dapper;
using Npgsql;

namespace CommandCenter.Core.Features.Dispatch;

/// <summary>SQL for orders, targets, deliveries, progress and the audit. Writes take the caller's transaction.</summary>
public sealed class DispatchStore(NpgsqlDataSource dataSource)
{
    private const string OrderColumns = """
        o.id, o.number, o.priority, o.status, o.source_kind, o.source_ref, o.instruction, o.issued_by, o.issued_at,
        o.ack_due_at, o.deadline_at, o.closed_at, coalesce((select array_agg(oi.incident_id order by oi.incident_id) from order_incident oi where oi.order_id = o.id), '{}') as incident_ids
        """;

    private const string TargetColumns = """
        t.id, t.order_id, t.district_adcode, t.lead_department, t.support_departments, t.street_codes, t.state, t.delivered_at,
        t.acknowledged_at, t.acknowledged_by, t.ack_comment, t.completed_at, t.report, t.escalated_at, t.escalations, t.updated_at
        """;

    /// <summary>Locks the incidents and returns the open order that already covers one of them, if any.</summary>
    public async Task<long?> LockOpenOrderForAsync(OrderSource source, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        if (source.IncidentIds.Count > 0)
        {
            await conn.ExecuteAsync(new CommandDefinition(
                "select id from incident where id = any(@ids) order by id for update", new { ids = source.IncidentIds.ToArray() }, tx, cancellationToken: ct));
            return await conn.QueryFirstOrDefaultAsync<long?>(new CommandDefinition("""
                select o.id from order_incident oi join dispatch_order o on o.id = oi.order_id
                where oi.incident_id = any(@ids) and o.status = 'active' order by o.id limit 1
                """, new { ids = source.IncidentIds.ToArray() }, tx, cancellationToken: ct));
        }
        if (source.Kind == OrderSourceKind.Alert && source.Ref is { } alert)
        {
            await conn.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(hashtext('order-alert:' || @alert))", new { alert }, tx, cancellationToken: ct));
            return await conn.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
                "select id from dispatch_order where status = 'active' and source_kind = 'alert' and source_ref = @alert", new { alert }, tx, cancellationToken: ct));
        }
        return null;
    }

    /// <summary>The next number of the year; the counter row stays locked until commit, so numbers appear in commit order.</summary>
    public Task<int> NextNumberAsync(int year, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        conn.ExecuteScalarAsync<int>(new CommandDefinition("""
            insert into order_number (year, last_number) values (@year, 1)
            on conflict (year) do update set last_number = order_number.last_number + 1
            returning last_number
            """, new { year }, tx, cancellationToken: ct));

    public Task<long> InsertOrderAsync(string number, int year, NewOrder order, string issuedBy, DateTimeOffset at, DateTimeOffset ackDue,
        NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        conn.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into dispatch_order (number, year, priority, status, source_kind, source_ref, instruction, issued_by, issued_at, ack_due_at, deadline_at)
            values (@number, @year, @priority, 'active', @sourceKind, @sourceRef, @instruction, @issuedBy, @at, @ackDue, @deadline)
            returning id
            """, new
        {
            number, year, priority = IncidentCodes.Code(order.Priority), sourceKind = IncidentCodes.Code(order.Source.Kind), sourceRef = order.Source.Ref,
            instruction = order.Instruction, issuedBy, at, ackDue, deadline = order.Deadline,
        }, tx, cancellationToken: ct));

    public async Task InsertIncidentLinksAsync(long orderId, IReadOnlyList<long> incidentIds, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        if (incidentIds.Count == 0) return;
        await conn.ExecuteAsync(new CommandDefinition(
            "insert into order_incident (order_id, incident_id) select @orderId, unnest(@ids) on conflict do nothing",
            new { orderId, ids = incidentIds.ToArray() }, tx, cancellationToken: ct));
    }

    public Task<long> InsertTargetAsync(long orderId, NewTarget target, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        conn.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into order_target (order_id, district_adcode, lead_department, support_departments, street_codes, state, updated_at)
            values (@orderId, @DistrictAdcode, @LeadDepartment, @support, @streets, 'sent', @at)
            returning id
            """, new { orderId, target.DistrictAdcode, target.LeadDepartment, support = target.SupportDepartments.ToArray(), streets = target.StreetCodes.ToArray(), at },
            tx, cancellationToken: ct));

    /// <summary>Numbers a delivery for the district inside the caller's transaction (in commit order, see the migration).</summary>
    public async Task<long> AppendDeliveryAsync(string districtAdcode, long orderId, long targetId, string kind, DateTimeOffset at,
        NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        var seq = await conn.ExecuteScalarAsync<long>(new CommandDefinition("""
            insert into district_delivery_seq (district_adcode, last_seq) values (@districtAdcode, 1)
            on conflict (district_adcode) do update set last_seq = district_delivery_seq.last_seq + 1
            returning last_seq
            """, new { districtAdcode }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(
            "insert into order_delivery (district_adcode, seq, order_id, target_id, kind, at) values (@districtAdcode, @seq, @orderId, @targetId, @kind, @at)",
            new { districtAdcode, seq, orderId, targetId, kind, at }, tx, cancellationToken: ct));
        return seq;
    }

    public Task AuditAsync(long orderId, long? targetId, Actor actor, string action, object? detail, DateTimeOffset at,
        NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition("""
            insert into order_audit (order_id, target_id, at, actor, ip, action, detail) values (@orderId, @targetId, @at, @actor, @ip, @action, @detail::jsonb)
            """, new { orderId, targetId, at, actor = actor.Name, ip = actor.Ip, action, detail = detail is null ? null : JsonSerializer.Serialize(detail) },
            tx, cancellationToken: ct));

    /// <summary>The target, locked for the caller's transaction.</summary>
    public async Task<OrderTarget?> LockTargetAsync(long targetId, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        (await conn.QuerySingleOrDefaultAsync<TargetRow>(new CommandDefinition(
            $"select {TargetColumns} from order_target t where t.id = @targetId for update", new { targetId }, tx, cancellationToken: ct)))?.ToTarget();

    public async Task<Order?> LockOrderAsync(long orderId, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition("select id from dispatch_order where id = @orderId for update", new { orderId }, tx, cancellationToken: ct));
        return await GetAsync(orderId, conn, tx, ct);
    }

    public Task SetTargetStateAsync(long targetId, TargetState state, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct,
        string? actor = null, string? text = null) =>
        conn.ExecuteAsync(new CommandDefinition("""
            update order_target set state = @state, updated_at = @at,
                delivered_at = case when @state = 'delivered' then @at else delivered_at end,
                acknowledged_at = case when @state = 'acknowledged' then @at else acknowledged_at end,
                acknowledged_by = case when @state = 'acknowledged' then @actor else acknowledged_by end,
                ack_comment = case when @state = 'acknowledged' then @text else ack_comment end,
                completed_at = case when @state = 'completed' then @at else completed_at end,
                report = case when @state = 'completed' then @text else report end
            where id = @targetId
            """, new { targetId, state = IncidentCodes.Code(state), at, actor, text }, tx, cancellationToken: ct));

    /// <summary>Records a progress or completion report once per request key; returns false for a repeat.</summary>
    public async Task<bool> InsertProgressAsync(long targetId, string kind, string text, string actor, Guid? requestKey, DateTimeOffset at,
        NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        await conn.ExecuteAsync(new CommandDefinition("""
            insert into order_progress (target_id, at, actor, kind, text, request_key) values (@targetId, @at, @actor, @kind, @text, @requestKey)
            on conflict (request_key) do nothing
            """, new { targetId, at, actor, kind, text, requestKey }, tx, cancellationToken: ct)) == 1;

    public Task SetOrderStatusAsync(long orderId, OrderStatus status, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(
            "update dispatch_order set status = @status, closed_at = @at where id = @orderId",
            new { orderId, status = IncidentCodes.Code(status), at }, tx, cancellationToken: ct));

    /// <summary>Resolves the order's unfinished incidents in one district; returns the ids it resolved.</summary>
    public async Task<IReadOnlyList<long>> ResolveIncidentsAsync(long orderId, string districtAdcode, string note, DateTimeOffset at,
        NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct)
    {
        var ids = (await conn.QueryAsync<long>(new CommandDefinition("""
            update incident i set status = 'resolved', resolved_at = @at, updated_at = @at, responded_at = coalesce(responded_at, @at)
            from order_incident oi
            where oi.order_id = @orderId and oi.incident_id = i.id and i.district_adcode = @districtAdcode and i.status in ('open', 'assigned', 'accepted')
            returning i.id
            """, new { orderId, districtAdcode, at }, tx, cancellationToken: ct))).ToList();
        if (ids.Count == 0) return ids;
        await conn.ExecuteAsync(new CommandDefinition("""
            update assignment set status = 'resolved', resolved_at = @at, resolution_note = @note
            where incident_id = any(@ids) and status in ('pending', 'accepted')
            """, new { ids = ids.ToArray(), at, note }, tx, cancellationToken: ct));
        return ids;
    }

    /// <summary>Targets past their acknowledgment SLA, not escalated since <paramref name="renotifyBefore"/>; locked, skipping any a person is acting on.</summary>
    public async Task<IReadOnlyList<OrderTarget>> LockOverdueAcksAsync(DateTimeOffset now, DateTimeOffset renotifyBefore, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        (await conn.QueryAsync<TargetRow>(new CommandDefinition($"""
            select {TargetColumns} from order_target t join dispatch_order o on o.id = t.order_id
            where t.state in ('sent', 'delivered') and o.status = 'active' and o.ack_due_at <= @now
              and (t.escalated_at is null or t.escalated_at <= @renotifyBefore)
            order by t.id
            for update of t skip locked
            """, new { now, renotifyBefore }, tx, cancellationToken: ct))).Select(r => r.ToTarget()).ToList();

    public Task MarkEscalatedAsync(long targetId, DateTimeOffset at, NpgsqlConnection conn, IDbTransaction tx, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(
            "update order_target set escalated_at = @at, escalations = escalations + 1, updated_at = @at where id = @targetId",
            new { targetId, at }, tx, cancellationToken: ct));

    public async Task<Order?> GetAsync(long orderId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await GetAsync(orderId, conn, null, ct);
    }

    private async Task<Order?> GetAsync(long orderId, NpgsqlConnection conn, IDbTransaction? tx, CancellationToken ct) =>
        (await LoadAsync($"select {OrderColumns} from dispatch_order o where o.id = @orderId", new { orderId }, conn, tx, ct)).FirstOrDefault();

    /// <summary>
    /// Orders newest first: <paramref name="activeOnly"/> those still open; <paramref name="districtAdcode"/> those with a target there;
    /// <paramref name="escalatedOnly"/> those with an escalated target still unacknowledged.
    /// </summary>
    public async Task<IReadOnlyList<Order>> ListAsync(bool activeOnly, string? districtAdcode, bool escalatedOnly, int limit, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await LoadAsync($"""
            select {OrderColumns} from dispatch_order o
            where (not @activeOnly or o.status = 'active')
              and (@districtAdcode::text is null or exists (select 1 from order_target t where t.order_id = o.id and t.district_adcode = @districtAdcode))
              and (not @escalatedOnly or exists (select 1 from order_target t where t.order_id = o.id and t.escalated_at is not null and t.state in ('sent', 'delivered')))
            order by o.issued_at desc, o.id desc
            limit @limit
            """, new { activeOnly, districtAdcode, escalatedOnly, limit }, conn, null, ct);
    }

    public async Task<IReadOnlyList<OrderHistoryEntry>> HistoryAsync(long orderId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<HistoryRow>(new CommandDefinition(
            "select id, target_id, at, actor, ip, action, detail::text as detail from order_audit where order_id = @orderId order by id",
            new { orderId }, cancellationToken: ct))).Select(r => new OrderHistoryEntry(r.Id, r.TargetId, DbTime.Utc(r.At), r.Actor, r.Ip, r.Action, r.Detail)).ToList();
    }

    /// <summary>The reports of these orders (all their targets, or with <paramref name="districtAdcode"/> only that district's), oldest first.</summary>
    public async Task<IReadOnlyList<OrderProgress>> ProgressAsync(IReadOnlyList<long> orderIds, string? districtAdcode, CancellationToken ct)
    {
        if (orderIds.Count == 0) return [];
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ProgressRow>(new CommandDefinition("""
            select p.id, p.target_id, p.at, p.actor, p.kind, p.text from order_progress p join order_target t on t.id = p.target_id
            where t.order_id = any(@orderIds) and (@districtAdcode::text is null or t.district_adcode = @districtAdcode)
            order by p.id
            """, new { orderIds = orderIds.ToArray(), districtAdcode }, cancellationToken: ct)))
            .Select(r => new OrderProgress(r.Id, r.TargetId, DbTime.Utc(r.At), r.Actor, r.Kind, r.Text)).ToList();
    }

    /// <summary>A district's deliveries after <paramref name="afterSeq"/>, in number order.</summary>
    public Task<IReadOnlyList<Delivery>> DeliveriesAfterAsync(string districtAdcode, long afterSeq, int limit, CancellationToken ct) =>
        DeliveriesAfterAsync(new Dictionary<string, long> { [districtAdcode] = afterSeq }, limit, ct);

    /// <summary>
    /// Several districts' deliveries, each after its own number, in one read (what a node pushes after a joint order):
    /// ordered by district, then number; each order is loaded once however many districts it went to.
    /// </summary>
    public async Task<IReadOnlyList<Delivery>> DeliveriesAfterAsync(IReadOnlyDictionary<string, long> after, int limit, CancellationToken ct)
    {
        if (after.Count == 0) return [];
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rows = (await conn.QueryAsync<(string District, long Seq, string Kind, DateTime At, long OrderId, long TargetId)>(new CommandDefinition("""
            select d.district_adcode, d.seq, d.kind, d.at, d.order_id, d.target_id
            from unnest(@districts::char(6)[], @seqs::bigint[]) as a (district_adcode, after_seq)
            join order_delivery d on d.district_adcode = a.district_adcode and d.seq > a.after_seq
            order by d.district_adcode, d.seq
            limit @limit
            """, new { districts = after.Keys.ToArray(), seqs = after.Values.ToArray(), limit }, cancellationToken: ct))).ToList();
        if (rows.Count == 0) return [];
        var orders = (await LoadAsync($"select {OrderColumns} from dispatch_order o where o.id = any(@ids)",
            new { ids = rows.Select(r => r.OrderId).Distinct().ToArray() }, conn, null, ct)).ToDictionary(o => o.Id);
        return rows.Select(r => new Delivery(r.District, r.Seq, r.Kind, DbTime.Utc(r.At), orders[r.OrderId], orders[r.OrderId].Targets.Single(t => t.Id == r.TargetId))).ToList();
    }

    /// <summary>
    /// Each district's last delivery number. A counter row is locked until its transaction commits, so every number
    /// up to the one read here is committed and readable.
    /// </summary>
    public async Task<Dictionary<string, long>> LastSeqsAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<(string District, long Seq)>(new CommandDefinition(
            "select district_adcode, last_seq from district_delivery_seq", cancellationToken: ct))).ToDictionary(r => r.District, r => r.Seq);
    }

    public async Task<OrderCounts> CountsAsync(DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var (active, unacknowledged, overdue) = await conn.QuerySingleAsync<(int, int, int)>(new CommandDefinition("""
            select (select count(*)::int from dispatch_order where status = 'active') as active,
                   count(*)::int as unacknowledged,
                   count(*) filter (where o.ack_due_at <= @now)::int as overdue
            from order_target t join dispatch_order o on o.id = t.order_id
            where t.state in ('sent', 'delivered') and o.status = 'active'
            """, new { now }, cancellationToken: ct));
        return new OrderCounts(active, unacknowledged, overdue);
    }

    private static async Task<IReadOnlyList<Order>> LoadAsync(string sql, object args, NpgsqlConnection conn, IDbTransaction? tx, CancellationToken ct)
    {
        var orders = (await conn.QueryAsync<OrderRow>(new CommandDefinition(sql, args, tx, cancellationToken: ct))).ToList();
        if (orders.Count == 0) return [];
        var targets = (await conn.QueryAsync<TargetRow>(new CommandDefinition(
            $"select {TargetColumns} from order_target t where t.order_id = any(@ids) order by t.id", new { ids = orders.Select(o => o.Id).ToArray() }, tx, cancellationToken: ct)))
            .Select(t => t.ToTarget()).ToLookup(t => t.OrderId);
        return orders.Select(o => o.ToOrder([.. targets[o.Id]])).ToList();
    }

    private sealed class OrderRow
    {
        public long Id { get; init; }
        public string Number { get; init; } = "";
        public string Priority { get; init; } = "";
        public string Status { get; init; } = "";
        public string SourceKind { get; init; } = "";
        public string? SourceRef { get; init; }
        public string Instruction { get; init; } = "";
        public string IssuedBy { get; init; } = "";
        public DateTime IssuedAt { get; init; }
        public DateTime AckDueAt { get; init; }
        public DateTime DeadlineAt { get; init; }
        public DateTime? ClosedAt { get; init; }
        public long[] IncidentIds { get; init; } = [];

        public Order ToOrder(IReadOnlyList<OrderTarget> targets) => new(Id, Number, IncidentCodes.Parse<OrderPriority>(Priority), IncidentCodes.Parse<OrderStatus>(Status),
            IncidentCodes.Parse<OrderSourceKind>(SourceKind), SourceRef, Instruction, IssuedBy, DbTime.Utc(IssuedAt), DbTime.Utc(AckDueAt), DbTime.Utc(DeadlineAt),
            DbTime.Utc(ClosedAt), targets, IncidentIds);
    }

    private sealed class TargetRow
    {
        public long Id { get; init; }
        public long OrderId { get; init; }
        public string DistrictAdcode { get; init; } = "";
        public string LeadDepartment { get; init; } = "";
        public string[] SupportDepartments { get; init; } = [];
        public string[] StreetCodes { get; init; } = [];
        public string State { get; init; } = "";
        public DateTime? DeliveredAt { get; init; }
        public DateTime? AcknowledgedAt { get; init; }
        public string? AcknowledgedBy { get; init; }
        public string? AckComment { get; init; }
        public DateTime? CompletedAt { get; init; }
        public string? Report { get; init; }
        public DateTime? EscalatedAt { get; init; }
        public int Escalations { get; init; }
        public DateTime UpdatedAt { get; init; }

        public OrderTarget ToTarget() => new(Id, OrderId, DistrictAdcode, LeadDepartment, SupportDepartments, StreetCodes, IncidentCodes.Parse<TargetState>(State),
            DbTime.Utc(DeliveredAt), DbTime.Utc(AcknowledgedAt), AcknowledgedBy, AckComment, DbTime.Utc(CompletedAt), Report, DbTime.Utc(EscalatedAt), Escalations,
            DbTime.Utc(UpdatedAt));
    }

    private sealed class HistoryRow
    {
        public long Id { get; init; }
        public long? TargetId { get; init; }
        public DateTime At { get; init; }
        public string Actor { get; init; } = "";
        public string? Ip { get; init; }
        public string Action { get; init; } = "";
        public string? Detail { get; init; }
    }

    private sealed class ProgressRow
    {
        public long Id { get; init; }
        public long TargetId { get; init; }
        public DateTime At { get; init; }
        public string Actor { get; init; } = "";
        public string Kind { get; init; } = "";
        public string Text { get; init; } = "";
    }
}
