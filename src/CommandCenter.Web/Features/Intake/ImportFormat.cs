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

    /// <summary>How a finished run ended, in the page's language; a failure adds Core's reason.</summary>
    public static string Outcome(IStringLocalizer<ImportStrings> l, CsvImport run) => run.Status switch
    {
        CsvImportStatus.Completed => l["Result.Completed", N(run.RowsImported), N(run.RowsDuplicate)],
        CsvImportStatus.Cancelled => l["Result.Cancelled", N(run.RowsImported)],
        CsvImportStatus.Failed when run.RowsImported == 0 => l["Report.Failed", run.Message ?? ""],
        CsvImportStatus.Failed => l["Result.Failed", run.Message ?? "", N(run.RowsImported)],
        _ => l[$"Status.{run.Status.ToString().ToLowerInvariant()}"],
    };
}
