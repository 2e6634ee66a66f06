using CommandCenter.Core.Features.Org;

namespace CommandCenter.Core.Features.Incidents;

/// <summary>
/// The three rates (三率) by which Beijing ranks districts, streets and departments every month. Defined here
/// once; screens and reports only display them.
/// <list type="bullet">
/// <item><b>Response rate (响应率)</b> = incidents responded to on time ÷ incidents reported in the period.
/// "Responded" is the first acceptance by a department; "on time" is within <see cref="ResponseWindow"/> of the
/// report. An incident still unanswered when its window has passed counts as late; one whose window is still
/// open at the end of the period is left out until it is decided.</item>
/// <item><b>Resolution rate (解决率)</b> = incidents the caller says are solved ÷ incidents closed in the period
/// with a caller answer on "solved".</item>
/// <item><b>Satisfaction rate (满意率)</b> = (satisfied + basically satisfied) ÷ incidents closed in the period
/// with a satisfaction answer.</item>
/// </list>
/// A rate with nothing to count is <c>null</c> (not 0 %, not 100 %): an empty period has no rate.
/// </summary>
public static class ThreeRateFormulas
{
    /// <summary>How soon a department must take an incident on, by its feedback tier.</summary>
    public static TimeSpan ResponseWindow(SlaTier tier) => tier switch
    {
        SlaTier.Hours2 => TimeSpan.FromMinutes(30),
        SlaTier.Hours24 => TimeSpan.FromHours(2),
        _ => TimeSpan.FromHours(24),
    };

    /// <summary>Counts one population of incidents for the period [<paramref name="from"/>, <paramref name="to"/>).</summary>
    /// <param name="asOf">The moment the figures are taken; response windows still open then are not yet decided.</param>
    public static RateCounts Count(IEnumerable<IncidentOutcome> incidents, DateTimeOffset from, DateTimeOffset to, DateTimeOffset asOf)
    {
        int due = 0, onTime = 0, answeredSolved = 0, solved = 0, rated = 0, satisfied = 0;
        foreach (var i in incidents)
        {
            if (i.ReportedAt >= from && i.ReportedAt < to)
            {
                var deadline = i.ReportedAt + ResponseWindow(i.Tier);
                var respondedInTime = i.RespondedAt is { } r && r <= deadline;
                if (respondedInTime || deadline <= asOf)
                {
                    due++;
                    if (respondedInTime) onTime++;
                }
            }
            if (i.ClosedAt is { } closed && closed >= from && closed < to)
            {
                if (i.Solved is { } s) { answeredSolved++; if (s) solved++; }
                if (i.Satisfaction is { } sat)
                {
                    rated++;
                    if (sat is Satisfaction.Satisfied or Satisfaction.BasicallySatisfied) satisfied++;
                }
            }
        }
        return new RateCounts(due, onTime, answeredSolved, solved, rated, satisfied);
    }
}

/// <summary>Numerators and denominators of the three rates; counts add up across districts, streets and days.</summary>
public sealed record RateCounts(int ResponseDue, int RespondedOnTime, int SolvedAnswered, int Solved, int Rated, int Satisfied)
{
    public static readonly RateCounts Zero = new(0, 0, 0, 0, 0, 0);

    public double? ResponseRate => Ratio(RespondedOnTime, ResponseDue);
    public double? ResolutionRate => Ratio(Solved, SolvedAnswered);
    public double? SatisfactionRate => Ratio(Satisfied, Rated);

    public static RateCounts operator +(RateCounts a, RateCounts b) => new(
        a.ResponseDue + b.ResponseDue, a.RespondedOnTime + b.RespondedOnTime, a.SolvedAnswered + b.SolvedAnswered,
        a.Solved + b.Solved, a.Rated + b.Rated, a.Satisfied + b.Satisfied);

    private static double? Ratio(int part, int whole) => whole == 0 ? null : (double)part / whole;
}

/// <summary>What the rates need to know of one incident.</summary>
public sealed record IncidentOutcome(
    SlaTier Tier, DateTimeOffset ReportedAt, DateTimeOffset? RespondedAt, DateTimeOffset? ClosedAt, bool? Solved, Satisfaction? Satisfaction);

/// <summary>The caller's answer in the return visit (回访).</summary>
public enum Satisfaction { Satisfied, BasicallySatisfied, Unsatisfied }
