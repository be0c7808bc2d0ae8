using System.Text.Encodings.Web;

namespace Circul.Silo.Web;

/// <summary>HTML text of the pages. Every value that is not markup written here goes through <see cref="E"/>.</summary>
public static class Html
{
    /// <summary>HTML-encodes text for element content and quoted attribute values.</summary>
    public static string E(string? text) => HtmlEncoder.Default.Encode(text ?? "");

    /// <summary>The hidden anti-forgery field of a form.</summary>
    public static string FormToken(string token) =>
        $"""<input type="hidden" name="{AntiForgery.FieldName}" value="{E(token)}">""";

    /// <summary>A whole page: skip link, header (with the account menu when signed in), one main region.</summary>
    public static string Page(string title, WebUser? user, string main)
    {
        var nav = user is null
            ? """<nav aria-label="Account"><a href="/login">Log in</a></nav>"""
            : $"""
              <nav aria-label="Account">
                <a href="/apps">My Apps</a>
                <span class="who">Signed in as <strong>{E(user.Name)}</strong></span>
                <form method="post" action="/logout" class="inline">{FormToken(user.FormToken)}<button type="submit" class="link">Log out</button></form>
              </nav>
              """;
        return $"""
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{E(title)} · Circul</title>
            <link rel="stylesheet" href="{WebAssets.CssPath}">
            <script src="{WebAssets.ScriptPath}" defer></script>
            </head>
            <body>
            <a class="skip" href="#main">Skip to content</a>
            <header class="top"><a class="brand" href="/apps">Circul</a>{nav}</header>
            <main id="main" tabindex="-1">
            {main}
            </main>
            </body>
            </html>
            """;
    }

    /// <summary>An alert box (errors are announced to screen readers).</summary>
    public static string Alert(string? message, bool error = true) => string.IsNullOrEmpty(message)
        ? ""
        : error
            ? $"""<p class="alert error" role="alert">{E(message)}</p>"""
            : $"""<p class="alert ok" role="status">{E(message)}</p>""";
}
