namespace CommandCenter.Web.Resources;

/// <summary>Marker for the wall display's texts (WallStrings.resx is zh-CN, the default; WallStrings.en.resx is English).</summary>
public sealed class WallStrings;
