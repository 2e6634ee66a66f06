using System.Globalization;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Features.Wall.Components;

namespace CommandCenter.Web.Features.Situation;

/// <summary>
/// The console's drill-down as it stands in the URL (?district=110105&amp;street=…&amp;cell=dept,district&amp;…), so a commander
/// can share or bookmark it and the browser's Back undoes the last step. Parsing is lenient: a value that does not
/// parse is ignored, never an error page.
/// </summary>
/// <param name="Cell">A backlog matrix cell: a department (""= not assigned) in a district.</param>
/// <param name="Lead">Lead department; "" = not assigned.</param>
/// <param name="All">Finished incidents too, within <see cref="From"/>–<see cref="To"/> (city days; default the last 7).</param>
/// <param name="Ids">Exactly these incidents (a compound problem's).</param>
/// <param name="Incident">The incident whose detail is open.</param>
public sealed record ConsoleQuery(
    string? District = null, string? Street = null, BacklogSelection? Cell = null, string? Category = null, string? Lead = null,
    bool Overdue = false, bool Disputed = false, bool All = false, DateOnly? From = null, DateOnly? To = null,
    IReadOnlyList<long>? Ids = null, long? Incident = null)
{
    /// <summary>Days the finished-incident window covers when the URL names none.</summary>
    public const int DefaultWindowDays = 7;

    /// <summary>The URL value of <see cref="Lead"/> for "not assigned" (an empty value would read as "no filter").</summary>
    public const string Unassigned = "none";

    /// <summary>The district the list is narrowed to: the matrix cell's, else the district filter's.</summary>
    public string? EffectiveDistrict => Cell?.DistrictAdcode ?? District;

    public string? EffectiveLead => Cell is { DepartmentCode: { } d } ? d : Lead;

    public static ConsoleQuery Parse(
        string? district, string? street, string? cell, string? category, string? lead, string? overdue, string? disputed, string? all,
        string? from, string? to, string? ids, string? incident)
    {
        BacklogSelection? selection = null;
        if (cell?.Split(',') is [var dept, var dist] && IsAdcode(dist)) selection = new BacklogSelection(dept, dist);
        return new ConsoleQuery(
            IsAdcode(district) ? district : null,
            string.IsNullOrWhiteSpace(street) ? null : street,
            selection,
            string.IsNullOrWhiteSpace(category) ? null : category,
            lead is null or "" ? null : lead == Unassigned ? "" : lead,
            Flag(overdue), Flag(disputed), Flag(all),
            Day(from), Day(to),
            ids?.Split(',').Select(s => long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0).Where(id => id > 0).Distinct().Take(500).ToList() is { Count: > 0 } list ? list : null,
            long.TryParse(incident, NumberStyles.None, CultureInfo.InvariantCulture, out var open) && open > 0 ? open : null);
    }

    /// <summary>The query parameters, every one present (null removes it from the URL).</summary>
    public IReadOnlyDictionary<string, object?> ToParameters() => new Dictionary<string, object?>
    {
        ["district"] = Cell is null ? District : null,
        ["street"] = Street,
        ["cell"] = Cell is { DepartmentCode: { } d, DistrictAdcode: { } a } ? $"{d},{a}" : null,
        ["category"] = Category,
        ["lead"] = Cell is null && Lead is not null ? (Lead == "" ? Unassigned : Lead) : null,
        ["overdue"] = Overdue ? "1" : null,
        ["disputed"] = Disputed ? "1" : null,
        ["all"] = All ? "1" : null,
        ["from"] = All ? From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        ["to"] = All ? To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        ["ids"] = Ids is { Count: > 0 } ? string.Join(',', Ids) : null,
        ["incident"] = Incident?.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The search behind the list (sorting is the grid's).</summary>
    public IncidentFilter ToFilter(CityClock clock)
    {
        var (from, to) = Window(clock);
        return new IncidentFilter(
            DistrictAdcode: EffectiveDistrict, StreetCode: Street, ServiceCode: Category, LeadDepartment: EffectiveLead,
            UnfinishedOnly: !All, OverdueOnly: Overdue, DisputedOnly: Disputed,
            ReportedFrom: All ? clock.StartOf(from) : null, ReportedTo: All ? clock.StartOf(to.AddDays(1)) : null,
            Ids: Ids);
    }

    /// <summary>The finished-incident window in city days, both ends included.</summary>
    public (DateOnly From, DateOnly To) Window(CityClock clock)
    {
        var to = To ?? clock.Today;
        var from = From ?? to.AddDays(1 - DefaultWindowDays);
        return from <= to ? (from, to) : (to, from);
    }

    private static bool IsAdcode(string? s) => s is { Length: 6 } && s.All(char.IsAsciiDigit);

    private static bool Flag(string? s) => s is "1" or "true";

    private static DateOnly? Day(string? s) =>
        DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
