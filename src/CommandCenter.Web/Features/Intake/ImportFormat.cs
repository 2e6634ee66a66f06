using System.Globalization;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Web.Resources;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Features.Intake;

/// <summary>The import page's localized texts for what Core reports in codes: row problems, run outcomes, counts.</summary>
public static class ImportFormat
{
    public static string N(double value) => value.ToString("N0", CultureInfo.CurrentCulture);

    /// <summary>A row error in the page's language (Core's <see cref="CsvRowError.Reason"/> is English, for logs and the CLI).</summary>
    public static string Problem(IStringLocalizer<ImportStrings> l, CsvRowError error) => l[$"Problem.{error.Problem}", error.Value ?? ""];

    /// <summary>How a finished run ended, in the page's language; a failure adds why.</summary>
    public static string Outcome(IStringLocalizer<ImportStrings> l, CsvImport run) => run.Status switch
    {
        CsvImportStatus.Completed => l["Result.Completed", N(run.RowsImported), N(run.RowsDuplicate)],
        CsvImportStatus.Cancelled => l["Result.Cancelled", N(run.RowsImported)],
        CsvImportStatus.Failed when run.RowsImported == 0 => l["Report.Failed", Reason(l, run)],
        CsvImportStatus.Failed => l["Result.Failed", Reason(l, run), N(run.RowsImported)],
        _ => l[$"Status.{run.Status.ToString().ToLowerInvariant()}"],
    };

    /// <summary>Why a file or run failed, in the page's language (Core's exception message is English).</summary>
    public static string Failure(IStringLocalizer<ImportStrings> l, CsvImportException e) => Failure(l, e.Failure, e.Args);

    /// <summary>A stored failure in the page's language; runs from before failures had codes show their stored text.</summary>
    private static string Reason(IStringLocalizer<ImportStrings> l, CsvImport run) =>
        run.Failure is { } f ? Failure(l, f, run.FailureArgs ?? []) : run.Message ?? "";

    private static string Failure(IStringLocalizer<ImportStrings> l, CsvFailure failure, IReadOnlyList<string> args) =>
        l[$"Failure.{failure}", [.. args.Select((a, i) => Argument(l, failure, i, a))]];

    /// <summary>Numbers in the page's format, field names as the mapping step calls them; names from the file stay as they are.</summary>
    private static object Argument(IStringLocalizer<ImportStrings> l, CsvFailure failure, int index, string value) =>
        (failure, index) switch
        {
            (CsvFailure.RequiredUnmapped, 0) or (CsvFailure.NoSuchColumn, 1) => l[$"Field.{value}"].Value,
            (CsvFailure.NotReady, 1) => l[$"Status.{value}"].Value,
            _ when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => N(n),
            _ => value,
        };
}
