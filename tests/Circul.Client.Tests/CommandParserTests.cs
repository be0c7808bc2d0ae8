namespace Circul.Client.Tests;

public sealed class CommandParserTests
{
    [Theory]
    [InlineData("!info", "!", "info", new string[0], "")]
    [InlineData("  !Weather  Paris  now ", "!", "weather", new[] { "Paris", "now" }, "Paris  now")]
    [InlineData("!say \"hello there\" you", "!", "say", new[] { "hello there", "you" }, "\"hello there\" you")]
    [InlineData("!say \"\"", "!", "say", new[] { "" }, "\"\"")]
    [InlineData(">>ping x", ">>", "ping", new[] { "x" }, "x")]
    public void Command_IsSplitIntoNameAndArguments(string text, string prefix, string name, string[] args, string raw)
    {
        Assert.True(CommandParser.TryParse(text, prefix, out var parsedName, out var parsedArgs, out var parsedRaw));
        Assert.Equal(name, parsedName);
        Assert.Equal(args, parsedArgs);
        Assert.Equal(raw, parsedRaw);
    }

    [Theory]
    [InlineData("info", "!")]
    [InlineData("! info", "!")]
    [InlineData("!", "!")]
    [InlineData("hello !info", "!")]
    [InlineData("!info", "")]
    public void NonCommands_AreNotParsed(string text, string prefix) =>
        Assert.False(CommandParser.TryParse(text, prefix, out _, out _, out _));
}
