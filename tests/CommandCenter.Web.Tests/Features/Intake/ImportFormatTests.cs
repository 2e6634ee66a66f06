using System.Globalization;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Web.Features.Intake;
using CommandCenter.Web.Resources;

namespace CommandCenter.Web.Tests.Features.Intake;

/// <summary>Core says why an import failed in English and in a code; the page says it in the reader's language.</summary>
public sealed class ImportFormatTests : IDisposable
{
    private readonly CultureInfo culture = CultureInfo.CurrentUICulture;

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en")]
    public void Failure_EveryCode_HasItsOwnText(string name)
    {
        Use(name);
        var l = WebTestContext.Localizer<ImportStrings>();

        foreach (var failure in Enum.GetValues<CsvFailure>())
            Assert.False(l[$"Failure.{failure}"].ResourceNotFound, $"Failure.{failure} has no {name} text");
    }

    [Fact]
    public void Outcome_FailedRunInChinese_NamesTheColumnAndTheFieldInChinese()
    {
        Use("zh-CN");
        var run = Failed(CsvFailure.NoSuchColumn, "The file has no column 'lng' (mapped to Longitude).", "lng", "Longitude");

        Assert.Equal("文件无法导入：文件中没有“lng”列（已映射到经度）。", ImportFormat.Outcome(WebTestContext.Localizer<ImportStrings>(), run));
    }

    [Fact]
    public void Failure_Refusal_FormatsItsNumbersForThePage()
    {
        Use("en");
        var e = new CsvImportException(CsvFailure.BadRows, "1234 rows are bad: ...", "1234", "56789");

        Assert.Equal("1,234 rows have problems: fix the file, or choose to import the 56,789 valid rows and skip them.",
            ImportFormat.Failure(WebTestContext.Localizer<ImportStrings>(), e));
    }

    [Fact]
    public void Outcome_RunFromBeforeFailureCodes_ShowsItsStoredText()
    {
        Use("zh-CN");
        var run = Failed(null, "Row 3: a quoted field is not closed.");

        Assert.Equal("文件无法导入：Row 3: a quoted field is not closed.", ImportFormat.Outcome(WebTestContext.Localizer<ImportStrings>(), run));
    }

    public void Dispose() => CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = culture;

    private static void Use(string name) => CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = new CultureInfo(name);

    private static CsvImport Failed(CsvFailure? failure, string message, params string[] args) =>
        new(1, "admin", "a.csv", CsvPresets.Native, Datum.Wgs84, CsvImportStatus.Failed, 10, 0, 0, 0, 0, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch,
            message, [], failure, args);
}
