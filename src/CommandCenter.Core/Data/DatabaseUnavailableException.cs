namespace CommandCenter.Core.Data;

/// <summary>The configured PostgreSQL server cannot be used; the message says which server and what to do.</summary>
public sealed class DatabaseUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
