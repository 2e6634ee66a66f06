namespace CommandCenter.Web.Resources;

/// <summary>Marker for the CSV import page's texts (ImportStrings.resx is zh-CN, the default; ImportStrings.en.resx is English).</summary>
public sealed class ImportStrings;
