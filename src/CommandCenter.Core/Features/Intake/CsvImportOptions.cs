using System.ComponentModel.DataAnnotations;

namespace CommandCenter.Core.Features.Intake;

/// <summary>Section "CsvImport".</summary>
public sealed class CsvImportOptions
{
    public const string Section = "CsvImport";

    /// <summary>
    /// Rows per transaction when loading. Small enough that no transaction holds the event bus's cursor back for
    /// long (walls stay live during a big import), large enough that COPY's fixed costs vanish.
    /// </summary>
    [Range(100, 200_000)]
    public int ChunkSize { get; set; } = 20_000;
}
