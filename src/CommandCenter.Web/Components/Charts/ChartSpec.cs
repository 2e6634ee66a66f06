namespace CommandCenter.Web.Components.Charts;

/// <summary>A typed subset of ApexCharts options: what our charts use, nothing more.</summary>
/// <param name="Type">ApexCharts chart type: "bar", "line", "area".</param>
public sealed record ChartSpec(
    string Type,
    IReadOnlyList<string> Categories,
    IReadOnlyList<ChartSeries> Series,
    bool Horizontal = false,
    bool Stacked = false,
    int Height = 360,
    IReadOnlyList<string>? Colors = null,
    bool Dark = false);

public sealed record ChartSeries(string Name, IReadOnlyList<double> Data);
