using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Circul.Web.Tests.Infrastructure;

/// <summary>The pages over plain HTTP, no browser: cookies handled by hand (so a test sees every Set-Cookie) and no
/// redirect followed.</summary>
public sealed partial class WebHttpClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public WebHttpClient(string baseUrl)
    {
        _http = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = new Uri(baseUrl + "/") };
    }

    public IReadOnlyDictionary<string, string> Cookies => _cookies;

    /// <summary>Extra headers on every request (X-Forwarded-Proto).</summary>
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Task<WebResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<WebResponse> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> form) =>
        SendAsync(HttpMethod.Post, path, new FormUrlEncodedContent(form));

    public async Task<WebResponse> SendAsync(HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
        }

        foreach (var (name, value) in Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await _http.SendAsync(request);
        var setCookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        foreach (var setCookie in setCookies)
        {
            var pair = setCookie.Split(';', 2)[0].Split('=', 2);
            var expired = setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase);
            if (expired || pair[1].Length == 0)
            {
                _cookies.Remove(pair[0]);
            }
            else
            {
                _cookies[pair[0]] = pair[1];
            }
        }

        return new WebResponse(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers, response.Content.Headers, setCookies);
    }

    /// <summary>Logs in through the form: GET /login for its cookie and token, then POST.</summary>
    public async Task<WebResponse> LoginAsync(string username, string password, string returnUrl = "/apps")
    {
        var form = await GetAsync("/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
        return await PostFormAsync("/login", [
            new("_csrf", form.FormToken()), new("returnUrl", returnUrl), new("username", username), new("password", password)]);
    }

    public void SetCookie(string name, string value) => _cookies[name] = value;

    public void RemoveCookie(string name) => _cookies.Remove(name);

    public void Dispose() => _http.Dispose();

    public sealed partial record WebResponse(HttpStatusCode Status, string Html, HttpResponseHeaders Headers, HttpContentHeaders ContentHeaders, List<string> SetCookies)
    {
        public string? Location => Headers.Location?.OriginalString;

        /// <summary>The value of the first hidden input named <paramref name="name"/>.</summary>
        public string Hidden(string name)
        {
            var match = Regex.Match(Html, $"<input type=\"hidden\" name=\"{Regex.Escape(name)}\" value=\"([^\"]*)\"");
            Assert.True(match.Success, $"no hidden {name} in:\n{Html}");
            return System.Net.WebUtility.HtmlDecode(match.Groups[1].Value);
        }

        public string FormToken() => Hidden("_csrf");
    }
}
