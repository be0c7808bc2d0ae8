namespace Circul.Storage;

/// <summary>A unique name (username) is taken.</summary>
public sealed class DuplicateNameException(string message) : Exception(message);
