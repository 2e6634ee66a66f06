namespace CommandCenter.Web.Resources;

/// <summary>Marker for the commander console's texts (ConsoleStrings.resx is zh-CN, the default; ConsoleStrings.en.resx is English).</summary>
public sealed class ConsoleStrings;
