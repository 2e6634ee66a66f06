using System.Globalization;
using System.Text.Json;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;

namespace CommandCenter.Core.Features.Intake;

/// <summary>
/// Turns one CSV record into an incident as it stands, or says every way the record is wrong. The same mapper judges a
/// row in the preview, in the validation pass and in the load pass, so a row that validated is the row that loads.
/// Rows become <see cref="IncidentSource.Import"/> incidents: located by <see cref="IncidentLocator"/> (a supplied street
/// code wins), due by the working calendar, offered to the category's lead department, and resolved when the file says
/// the work was done.
/// </summary>
public sealed class CsvRowMapper
{
    private readonly CsvPreset preset;
    private readonly Datum datum;
    private readonly IncidentLocator locator;
    private readonly WorkingCalendar calendar;
    private readonly TimeZoneInfo zone;
    private readonly DateTimeOffset now;
    private readonly string actor;
    private readonly string refPrefix;
    private readonly string reportedDetail;
    private readonly Dictionary<string, Category> byCode;
    private readonly Dictionary<string, Category> byName;
    private readonly HashSet<string> doneStatuses;
    private readonly string[] formats;
    private readonly int headerCount;
    private readonly (int Index, string Name)[] columns = new (int, string)[Enum.GetValues<CsvField>().Length];

    /// <param name="fileKey">Names the file when it has no id column: the row number is then the reference within it.</param>
    /// <exception cref="CsvImportException">A required field is unmapped, or a mapped column is not in the header.</exception>
    public CsvRowMapper(IReadOnlyList<string> header, CsvPreset preset, CsvMapping mapping, IReadOnlyList<Category> categories,
        IncidentLocator locator, WorkingCalendar calendar, TimeZoneInfo zone, DateTimeOffset now, string actor, long importId, string fileKey)
    {
        this.preset = preset;
        datum = mapping.Datum;
        this.locator = locator;
        this.calendar = calendar;
        this.zone = zone;
        this.now = now;
        this.actor = actor;
        formats = [.. preset.DateFormats];
        headerCount = header.Count;
        refPrefix = mapping.Columns.ContainsKey(CsvField.Ref) ? $"{preset.Key}:" : $"{preset.Key}:{fileKey}:";
        reportedDetail = JsonSerializer.Serialize(new { source = "import", import = importId });
        byCode = categories.ToDictionary(c => c.ServiceCode, StringComparer.Ordinal);
        byName = categories.ToDictionary(c => c.NameZh, StringComparer.Ordinal);
        doneStatuses = preset.DoneStatuses.ToHashSet(StringComparer.OrdinalIgnoreCase);

        foreach (var required in new[] { CsvField.ServiceCode, CsvField.Longitude, CsvField.Latitude, CsvField.ReportedAt })
            if (!mapping.Columns.TryGetValue(required, out var c) || string.IsNullOrWhiteSpace(c))
                throw new CsvImportException(CsvFailure.RequiredUnmapped, $"Map a column to {required}: it is required.", required.ToString());
        var index = header.Select((h, i) => (h.Trim(), i)).GroupBy(x => x.Item1, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First().i, StringComparer.OrdinalIgnoreCase);
        Array.Fill(columns, (-1, ""));
        foreach (var (field, column) in mapping.Columns)
        {
            if (string.IsNullOrWhiteSpace(column)) continue;
            columns[(int)field] = index.TryGetValue(column.Trim(), out var i) ? (i, column.Trim())
                : throw new CsvImportException(CsvFailure.NoSuchColumn, $"The file has no column '{column}' (mapped to {field}).", column, field.ToString());
        }
    }

    /// <summary>Whether the mapping reads the source's own ids (then duplicates are found by them across files).</summary>
    public bool HasRef => columns[(int)CsvField.Ref].Index >= 0;

    /// <summary>Maps <paramref name="record"/> (row <paramref name="row"/>); <paramref name="errors"/> gets every problem, and the result is null if any.</summary>
    public BulkIncident? Map(string[] record, long row, List<CsvRowError> errors)
    {
        var before = errors.Count;
        if (record.Length != headerCount)
        {
            errors.Add(new(row, null, CsvProblem.FieldCount, $"The row has {record.Length} fields; the header has {headerCount}.", $"{record.Length}/{headerCount}"));
            return null;
        }
        foreach (var value in record)
        {
            if (value.Contains('\uFFFD') || value.Contains('\0'))
            {
                errors.Add(new(row, null, CsvProblem.NotUtf8, "The row is not valid UTF-8 text."));
                return null;
            }
        }

        var category = Category(record, row, errors);
        var lon = Number(record, CsvField.Longitude, row, errors);
        var lat = Number(record, CsvField.Latitude, row, errors);
        var street = Value(record, CsvField.StreetCode);
        LocationResult.Located? where = null;
        if (lon is { } x && lat is { } y)
        {
            switch (locator.Locate(new GeoPoint(x, y), datum, street))
            {
                case LocationResult.Located located:
                    where = located;
                    break;
                case LocationResult.Rejected rejected:
                    var column = rejected.Code is LocationRejection.UnknownStreetCode or LocationRejection.StreetCodeInOtherDistrict
                        ? Name(CsvField.StreetCode) : $"{Name(CsvField.Longitude)}/{Name(CsvField.Latitude)}";
                    errors.Add(new(row, column, rejected.Code switch
                    {
                        LocationRejection.InvalidCoordinates => CsvProblem.InvalidCoordinates,
                        LocationRejection.OutsideCity => CsvProblem.OutsideCity,
                        LocationRejection.UnknownStreetCode => CsvProblem.UnknownStreetCode,
                        _ => CsvProblem.StreetCodeInOtherDistrict,
                    }, rejected.Reason, street is not null && column == Name(CsvField.StreetCode) ? Clip(street) : string.Create(CultureInfo.InvariantCulture, $"{x}, {y}")));
                    break;
            }
        }
        var reported = Time(record, CsvField.ReportedAt, row, errors, required: true);
        var resolved = Time(record, CsvField.ResolvedAt, row, errors, required: false);
        if (resolved is not null && Value(record, CsvField.Status) is { } status && !doneStatuses.Contains(status)) resolved = null;
        if (resolved < reported) errors.Add(new(row, Name(CsvField.ResolvedAt), CsvProblem.DoneBeforeReported, "The work is done before it was reported."));

        var description = Text(record, CsvField.Description, 4000, row, errors) ?? category?.NameZh;
        var address = Text(record, CsvField.Address, 500, row, errors);
        var name = Text(record, CsvField.CallerName, 100, row, errors);
        var phone = Text(record, CsvField.CallerPhone, 40, row, errors);
        if (phone is not null && (phone.Length < 3 || !phone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ')))
            errors.Add(new(row, Name(CsvField.CallerPhone), CsvProblem.BadPhone, "A phone number holds 3–40 digits, '+', '-' and spaces.", Clip(phone)));
        var reference = Value(record, CsvField.Ref) is { } r ? refPrefix + r : refPrefix + row.ToString(CultureInfo.InvariantCulture);
        if (reference.Length > 100) errors.Add(new(row, Name(CsvField.Ref), CsvProblem.TooLong, "The id is longer than 100 characters.", "100"));

        if (errors.Count > before || category is null || where is null || reported is not { } at) return null;
        return Build(category, where, at, resolved, description!, address, name, phone, reference);
    }

    private BulkIncident Build(Category category, LocationResult.Located where, DateTimeOffset reported, DateTimeOffset? resolved,
        string description, string? address, string? name, string? phone, string reference)
    {
        var lead = category.LeadDepartment;
        var due = calendar.DueAt(reported, category.SlaTier);
        var timeline = new List<BulkTimelineEntry>(3)
        {
            new(reported, actor, "reported", null, reportedDetail),
            new(reported, actor, "assigned", lead, """{"role":"lead"}"""),
        };
        BulkAssignment assignment;
        IncidentStatus status;
        if (resolved is { } done)
        {
            assignment = new(lead, AssignmentRole.Lead, AssignmentStatus.Resolved, reported, actor, ResolvedAt: done);
            timeline.Add(new(done, actor, "resolved", lead, null));
            status = IncidentStatus.Resolved;
        }
        else
        {
            assignment = new(lead, AssignmentRole.Lead, AssignmentStatus.Pending, reported, actor);
            status = IncidentStatus.Assigned;
        }
        return new BulkIncident(IncidentSource.Import, reference, category.ServiceCode, description, address, where.Wgs84,
            where.DistrictAdcode, where.StreetCode, where.Source, status, category.SlaTier, 0, reported, resolved ?? reported, due,
            null, resolved, null, null, null, name, phone, [assignment], timeline);
    }

    private Category? Category(string[] record, long row, List<CsvRowError> errors)
    {
        var value = Value(record, CsvField.ServiceCode);
        if (value is null)
        {
            errors.Add(new(row, Name(CsvField.ServiceCode), CsvProblem.CategoryMissing, "The category is empty."));
            return null;
        }
        var code = preset.Categories?.GetValueOrDefault(value) ?? value;
        if (byCode.TryGetValue(code, out var category) || byName.TryGetValue(code, out category)) return category;
        errors.Add(new(row, Name(CsvField.ServiceCode), CsvProblem.UnknownCategory, preset.Categories is null
            ? $"'{Clip(value)}' is not a service code or category name of this city."
            : $"The {preset.Key} preset maps no category to '{Clip(value)}'.", Clip(value)));
        return null;
    }

    private double? Number(string[] record, CsvField field, long row, List<CsvRowError> errors)
    {
        var value = Value(record, field);
        if (value is null)
        {
            errors.Add(new(row, Name(field), CsvProblem.CoordinateMissing, "A coordinate is required."));
            return null;
        }
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)) return number;
        errors.Add(new(row, Name(field), CsvProblem.NotANumber, $"'{Clip(value)}' is not a number.", Clip(value)));
        return null;
    }

    /// <summary>
    /// A time in one of the preset's formats: with an offset as written, without one in city time. Refused in the future
    /// (beyond a minute of clock skew) or before 1990.
    /// </summary>
    private DateTimeOffset? Time(string[] record, CsvField field, long row, List<CsvRowError> errors, bool required)
    {
        var value = Value(record, field);
        if (value is null)
        {
            if (required) errors.Add(new(row, Name(field), CsvProblem.TimeMissing, "A time is required."));
            return null;
        }
        if (!DateTime.TryParseExact(value, formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces, out var parsed))
        {
            errors.Add(new(row, Name(field), CsvProblem.BadTime, $"'{Clip(value)}' is not a time in the form {preset.DateFormats[0]}.", Clip(value)));
            return null;
        }
        DateTimeOffset at;
        if (parsed.Kind == DateTimeKind.Utc) at = new DateTimeOffset(parsed, TimeSpan.Zero);
        else if (zone.IsInvalidTime(parsed))
        {
            errors.Add(new(row, Name(field), CsvProblem.BadTime, $"'{Clip(value)}' does not exist in the city's time zone.", Clip(value)));
            return null;
        }
        else at = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(parsed, zone), TimeSpan.Zero);
        if (at > now.AddMinutes(1) || at.Year < 1990)
        {
            errors.Add(new(row, Name(field), CsvProblem.TimeOutOfRange, $"'{Clip(value)}' is in the future or before 1990.", Clip(value)));
            return null;
        }
        return at;
    }

    private string? Text(string[] record, CsvField field, int max, long row, List<CsvRowError> errors)
    {
        var value = Value(record, field);
        if (value is null || value.Length <= max) return value;
        errors.Add(new(row, Name(field), CsvProblem.TooLong, $"The text is longer than {max} characters.", max.ToString(CultureInfo.InvariantCulture)));
        return null;
    }

    /// <summary>The trimmed field, or null when it is unmapped or blank.</summary>
    private string? Value(string[] record, CsvField field)
    {
        var index = columns[(int)field].Index;
        if (index < 0) return null;
        var value = record[index];
        if (value.Length == 0) return null;
        if (char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])) value = value.Trim();
        return value.Length == 0 ? null : value;
    }

    private string Name(CsvField field) => columns[(int)field].Name is { Length: > 0 } name ? name : field.ToString();

    private static string Clip(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
