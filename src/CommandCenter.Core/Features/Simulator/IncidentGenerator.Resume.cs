using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;

namespace CommandCenter.Core.Features.Simulator;

/// <summary>
/// An unfinished simulator incident as the database holds it. <see cref="Department"/> is its latest lead department:
/// the live one, or (status open) the one that returned it.
/// </summary>
public sealed record UnfinishedIncident(
    long Id, string ServiceCode, SlaTier Tier, IncidentStatus Status, int Bounces, DateTimeOffset ReportedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset DueAt, string? Department);

public sealed partial class IncidentGenerator
{
    /// <summary>
    /// The rest of an unfinished incident's life, planned from where it stands (status, latest lead, last change) for a
    /// leader that did not plan it. Deterministic from the seed and the incident id. Steps already due at
    /// <paramref name="now"/> are moved into [now, now + <paramref name="spread"/>), so a resumed backlog trickles in
    /// rather than firing in one burst.
    /// </summary>
    public IReadOnlyList<PlannedStep> Resume(UnfinishedIncident incident, DateTimeOffset now, TimeSpan spread)
    {
        if (incident.Status == IncidentStatus.Closed) return [];
        var random = new Random(StableSeed(seed, incident.Id));
        var lead = categories.TryGetValue(incident.ServiceCode, out var category) ? category.LeadDepartment : BeijingProfile.TerritorialDepartment;
        var window = ThreeRateFormulas.ResponseWindow(incident.Tier);
        var owner = incident.Department ?? lead;
        var steps = new List<PlannedStep>();
        var t = incident.UpdatedAt;

        if (incident.Status == IncidentStatus.Open)
        {
            // Returned and not yet reassigned: the commander finds the owner.
            t = After(t, TimeSpan.FromMinutes(5 + random.NextDouble() * 55));
            owner = FinalOwner(lead, owner);
            steps.Add(new(t, StepKind.Reassign, owner));
        }
        else if (incident.Status == IncidentStatus.Assigned && incident.Bounces == 0 && random.NextDouble() < 0.075)
        {
            t = AddReturn(random, steps, t, owner, window);
            owner = FinalOwner(lead, owner);
            steps.Add(new(t, StepKind.Reassign, owner));
        }
        if (incident.Status is IncidentStatus.Open or IncidentStatus.Assigned) t = AddAccept(random, steps, t, owner, window);
        if (incident.Status != IncidentStatus.Resolved) t = AddResolve(random, steps, t, owner, incident.ReportedAt, incident.DueAt);
        AddClose(random, steps, t);

        var catchUp = Millis(now + spread * random.NextDouble());
        var previous = DateTimeOffset.MinValue;
        for (var i = 0; i < steps.Count; i++)
        {
            var at = steps[i].At > now ? steps[i].At : catchUp;
            if (at <= previous) at = previous.AddSeconds(1);
            steps[i] = steps[i] with { At = at };
            previous = at;
        }
        return steps;
    }
}
