using System.Text.Json;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>Property access that fails with the JSON it looked at instead of a KeyNotFoundException.</summary>
public static class JsonExtensions
{
    public static JsonElement Prop(this JsonElement element, string name)
    {
        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value))
        {
            return value;
        }

        Assert.Fail($"expected a property '{name}' in {(element.ValueKind == JsonValueKind.Undefined ? "(nothing)" : ApiResponse.Truncate(element.GetRawText()))}");
        return default;
    }

    public static bool Has(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out _);

    public static string Str(this JsonElement element, string name)
    {
        var value = element.Prop(name);
        if (value.ValueKind != JsonValueKind.String)
        {
            Assert.Fail($"expected '{name}' to be a string in {ApiResponse.Truncate(element.GetRawText())}");
        }

        return value.GetString()!;
    }

    public static string? NullableStr(this JsonElement element, string name)
    {
        var value = element.Prop(name);
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Assert.Fail($"expected '{name}' to be a string or null in {ApiResponse.Truncate(element.GetRawText())}");
        }

        return value.GetString();
    }

    public static bool Bool(this JsonElement element, string name)
    {
        var value = element.Prop(name);
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Assert.Fail($"expected '{name}' to be a boolean in {ApiResponse.Truncate(element.GetRawText())}");
        }

        return value.GetBoolean();
    }

    public static long Long(this JsonElement element, string name)
    {
        var value = element.Prop(name);
        if (value.ValueKind != JsonValueKind.Number)
        {
            Assert.Fail($"expected '{name}' to be a number in {ApiResponse.Truncate(element.GetRawText())}");
        }

        return value.GetInt64();
    }

    public static double Double(this JsonElement element, string name)
    {
        var value = element.Prop(name);
        if (value.ValueKind != JsonValueKind.Number)
        {
            Assert.Fail($"expected '{name}' to be a number in {ApiResponse.Truncate(element.GetRawText())}");
        }

        return value.GetDouble();
    }

    public static JsonElement[] Items(this JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            Assert.Fail($"expected a JSON array, got {ApiResponse.Truncate(element.GetRawText())}");
        }

        return element.EnumerateArray().ToArray();
    }

    public static JsonElement[] Items(this JsonElement element, string name) => element.Prop(name).Items();

    public static string[] Strings(this JsonElement element, string name) =>
        element.Items(name).Select(item => item.GetString()!).ToArray();

    /// <summary>The "id" of every object in an array.</summary>
    public static string[] Ids(this JsonElement array) => array.Items().Select(item => item.Str("id")).ToArray();
}
