namespace CommandCenter.Web.Resources;

/// <summary>Marker for the administration page's texts (AdminStrings.resx is zh-CN, the default; AdminStrings.en.resx is English).</summary>
public sealed class AdminStrings;
