namespace Circul.Grains.Tests;

/// <summary>Issue 10, item 4: the one rule every name-like field shares.</summary>
public sealed class NameRulesTests
{
    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("a\u001Fb")]
    [InlineData("a\u007Fb")]
    [InlineData("a\u0080b")]
    [InlineData("a\u0085b")]
    [InlineData("a\u009Fb")]
    public void RequireNoControlCharacters_WithAC0OrC1Character_Throws400NamingTheField(string value)
    {
        var error = Assert.Throws<ApiException>(() => NameRules.RequireNoControlCharacters(value, "role_name"));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("role_name must not contain control characters", error.Message);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("Zoë Åström")]
    [InlineData("🤖 bot")]
    [InlineData("\u00A0non-breaking")]
    [InlineData("zero\u200Dwidth")]
    [InlineData("")]
    public void RequireNoControlCharacters_WithoutControlCharacters_ReturnsTheValue(string value) =>
        Assert.Same(value, NameRules.RequireNoControlCharacters(value, "name"));

    [Fact]
    public void RequireNoControlCharacters_WithNull_ReturnsNull() =>
        Assert.Null(NameRules.RequireNoControlCharacters(null, "name"));
}
