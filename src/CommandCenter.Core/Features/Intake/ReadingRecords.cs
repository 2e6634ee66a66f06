namespace CommandCenter.Core.Features.Intake;

/// <summary>A risk indicator of the catalog (sql/0014) with its national alert thresholds (blue IV … red I).</summary>
public sealed record Indicator(
    string Code, string Domain, string NameZh, string NameEn, string UnitZh, string UnitEn, bool PerDistrict, bool HigherIsWorse,
    double Blue, double Yellow, double Orange, double Red, double MinValue, double MaxValue, string Owner, bool Derived);

/// <summary>One validated reading, ready to store.</summary>
public sealed record Reading(string IndicatorCode, string? DistrictAdcode, DateTimeOffset At, double Value);

/// <summary>Why one row of a batch was refused: its index (0-based), the field and the reason.</summary>
public sealed record ReadingError(int Row, string Field, string Reason);

/// <summary>A batch with at least one bad row: nothing of it was stored.</summary>
public sealed class ReadingBatchException(IReadOnlyList<ReadingError> errors, string message) : Exception(message)
{
    public IReadOnlyList<ReadingError> Errors { get; } = errors;
}
