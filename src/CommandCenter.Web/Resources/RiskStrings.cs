namespace CommandCenter.Web.Resources;

/// <summary>Marker for the risk indicators' and alerts' texts (RiskStrings.resx is zh-CN, the default; RiskStrings.en.resx is English).</summary>
public sealed class RiskStrings;
