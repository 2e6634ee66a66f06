namespace CommandCenter.Web.Resources;

/// <summary>Marker for the dispatch orders' texts (DispatchStrings.resx is zh-CN, the default; DispatchStrings.en.resx is English).</summary>
public sealed class DispatchStrings;
