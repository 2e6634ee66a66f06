namespace CommandCenter.Web.Components.Charts;

/// <summary>A typed subset of ApexCharts options: what our charts use, nothing more.</summary>
/// <param name="Type">ApexCharts chart type: "bar", "line", "area".</param>
/// <param name="Fill">Fill the container's height (which the page sizes) instead of <paramref name="Height"/> pixels.</param>
/// <param name="ScaleText">Size the chart's text from the container's CSS font size (walls: readable at any resolution).</param>
/// <param name="ValueLabels">Write each value on its bar (and leave the value axis unlabelled).</param>
/// <param name="LabelEvery">Label every n-th category on the x axis (24 hours: every 3rd); tooltips still name each one.</param>
/// <param name="Bands">Horizontal bands behind the series (threshold ranges), each with its own label.</param>
/// <param name="YTicks">Intervals between the value axis' labels when its ends are set.</param>
/// <param name="YDecimals">Decimals of the value axis' labels when <paramref name="YMin"/> or <paramref name="YMax"/> is set.</param>
/// <param name="YMin">The value axis' lower end (null: from the data); with <paramref name="YMax"/>, keeps every band in view.</param>
public sealed record ChartSpec(
    string Type,
    IReadOnlyList<string> Categories,
    IReadOnlyList<ChartSeries> Series,
    bool Horizontal = false,
    bool Stacked = false,
    int Height = 360,
    IReadOnlyList<string>? Colors = null,
    bool Dark = false,
    bool Fill = false,
    bool ScaleText = false,
    int LabelEvery = 1,
    bool ValueLabels = false,
    IReadOnlyList<ChartBand>? Bands = null,
    double? YMin = null,
    double? YMax = null,
    int YDecimals = 0,
    int YTicks = 5);

/// <param name="Type">Per-series type in a mixed chart ("column", "line"); null: the chart's type.</param>
/// <param name="Dash">Dash length for a line series; 0 draws it solid.</param>
public sealed record ChartSeries(string Name, IReadOnlyList<double> Data, string? Type = null, int Dash = 0);

/// <summary>A band across the chart from <paramref name="From"/> to <paramref name="To"/> on the value axis, labelled in plain text.</summary>
public sealed record ChartBand(double From, double To, string Color, string Label);
