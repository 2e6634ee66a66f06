using System.Globalization;
using CommandCenter.Core.Features.Incidents;

namespace CommandCenter.Core.Features.Intake;

/// <summary>What a CSV column can be mapped to: the parts of an incident a file may carry.</summary>
public enum CsvField
{
    /// <summary>The source's own id of the row (NYC Unique Key, LA SRNumber): re-importing it never makes a second incident.</summary>
    Ref,
    ServiceCode,
    Description,
    Address,
    Longitude,
    Latitude,

    /// <summary>A 9-digit street unit code; when present it wins over the nearest approximate unit.</summary>
    StreetCode,
    ReportedAt,

    /// <summary>When the owner finished the work; with <see cref="Status"/> mapped, only rows whose status means done count.</summary>
    ResolvedAt,
    Status,
    CallerName,
    CallerPhone,
}

public enum CsvImportStatus { Validating, Ready, Importing, Completed, Cancelled, Failed }

/// <summary>Why a row is refused; the web layer localizes by this, <see cref="CsvRowError.Reason"/> is the English text.</summary>
public enum CsvProblem
{
    FieldCount,
    NotUtf8,
    CategoryMissing,
    UnknownCategory,
    CoordinateMissing,
    NotANumber,
    InvalidCoordinates,
    OutsideCity,
    UnknownStreetCode,
    StreetCodeInOtherDistrict,
    TimeMissing,
    BadTime,
    TimeOutOfRange,
    DoneBeforeReported,
    TooLong,
    BadPhone,
}

/// <summary>
/// One refused row: <see cref="Row"/> counts records with the header as row 1 (a spreadsheet's row number);
/// <see cref="Value"/> is the offending value (clipped) or a number the reason names.
/// </summary>
public sealed record CsvRowError(long Row, string? Column, CsvProblem Problem, string Reason, string? Value = null);

/// <summary>Which column of the file holds each field (by header name; unmapped fields are absent), and the file's datum.</summary>
public sealed record CsvMapping(IReadOnlyDictionary<CsvField, string> Columns, Datum Datum = Datum.Wgs84);

/// <summary>A file's header and first records as they are, before any mapping.</summary>
public sealed record CsvSample(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, string? DetectedPreset);

/// <summary>One row of the preview: the values as the mapping reads them, and what is wrong with the row.</summary>
public sealed record CsvPreviewRow(
    long Row, string? Ref, string? ServiceCode, string? Description, string? DistrictAdcode, string? StreetCode, StreetSource? StreetSource,
    DateTimeOffset? ReportedAt, DateTimeOffset? ResolvedAt, IReadOnlyList<CsvRowError> Errors);

/// <summary>One import run as the history lists it.</summary>
/// <param name="RowsDuplicate">Rows skipped because an incident with the same source reference already existed (an earlier run).</param>
/// <param name="Errors">The first <see cref="CsvImportService.MaxStoredErrors"/> row errors; <see cref="RowsBad"/> counts them all.</param>
/// <param name="Message">How the run ended, in English (logs, the CLI); <paramref name="Failure"/> says the same in a code.</param>
/// <param name="Failure">Why a failed run failed, with the values its text names (<see cref="CsvImportException.Args"/>); null for older runs.</param>
public sealed record CsvImport(
    long Id, string CreatedBy, string FileName, string Preset, Datum Datum, CsvImportStatus Status,
    long RowsTotal, long RowsValid, long RowsBad, long RowsImported, long RowsDuplicate,
    DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Message, IReadOnlyList<CsvRowError> Errors,
    CsvFailure? Failure = null, IReadOnlyList<string>? FailureArgs = null);

/// <summary>How far a run is: rows read in the current pass (validating or importing) of all rows.</summary>
public sealed record CsvProgress(long ImportId, CsvImportStatus Phase, long RowsDone, long RowsTotal, long RowsImported, double RowsPerSecond);

/// <summary>Why a file or a run fails as a whole; the web layer localizes by this, the exception's message is the English text.</summary>
public enum CsvFailure
{
    Empty,
    NoRows,
    QuoteNotClosed,
    FieldTooLong,
    Unreadable,
    UnknownPreset,
    RequiredUnmapped,
    NoSuchColumn,
    NoSuchImport,
    AlreadyRunning,
    NotReady,
    BadRows,
    AlreadyStarted,
    FileChanged,
    DatabaseRefused,
    Interrupted,
}

/// <summary>An import the service refuses to start or continue; the message is safe to show (in English).</summary>
/// <param name="args">The values the message names, in order, for a text in another language.</param>
public sealed class CsvImportException(CsvFailure failure, string message, params string[] args) : Exception(message)
{
    public CsvFailure Failure { get; } = failure;

    public IReadOnlyList<string> Args { get; } = args;

    /// <summary>A file that stops being CSV: the row it stopped at comes first.</summary>
    public static CsvImportException From(CsvFormatException e) => new(e.Failure, e.Message, [Invariant(e.Record), .. e.Args]);

    /// <summary>A number as an argument: digits only, the page formats it.</summary>
    public static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>How a run failed on <paramref name="e"/>: ours as they are, a file that stopped being readable, or the database.</summary>
    public static CsvImportException Of(Exception e) => e switch
    {
        CsvImportException i => i,
        CsvFormatException f => From(f),
        IOException => new(CsvFailure.Unreadable, e.Message),
        _ => new(CsvFailure.DatabaseRefused, "The database refused a chunk; see the log."),
    };
}
