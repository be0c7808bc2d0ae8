namespace Circul.Client;

/// <summary>A command message: <c>!name arg1 "arg two"</c>.</summary>
public sealed class CommandContext : MessageContext
{
    internal CommandContext(CirculBot bot, Message message, bool isCatchUp, string command, IReadOnlyList<string> args, string rawArgs)
        : base(bot, message, isCatchUp)
    {
        Command = command;
        Args = args;
        RawArgs = rawArgs;
    }

    /// <summary>The command's name as registered (lower case).</summary>
    public string Command { get; }

    /// <summary>The arguments, split at white space; double quotes group words.</summary>
    public IReadOnlyList<string> Args { get; }

    /// <summary>Everything after the command name, trimmed.</summary>
    public string RawArgs { get; }
}
