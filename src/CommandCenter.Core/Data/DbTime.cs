namespace CommandCenter.Core.Data;

/// <summary>timestamptz values come back from Npgsql as UTC <see cref="DateTime"/>s; this is the one way we turn them into instants.</summary>
public static class DbTime
{
    public static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    public static DateTimeOffset? Utc(DateTime? value) => value is { } v ? Utc(v) : null;
}
