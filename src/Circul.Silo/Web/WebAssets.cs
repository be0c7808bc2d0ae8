namespace Circul.Silo.Web;

/// <summary>The pages' one stylesheet and one script (the copy button), served as files so the CSP needs no
/// <c>unsafe-inline</c>.</summary>
public static class WebAssets
{
    public const string CssPath = "/web/site.css";
    public const string ScriptPath = "/web/copy.js";

    public static IEndpointRouteBuilder MapWebAssets(this IEndpointRouteBuilder app)
    {
        app.MapGet(CssPath, (HttpContext context) => Serve(context, "text/css; charset=utf-8", Css));
        app.MapGet(ScriptPath, (HttpContext context) => Serve(context, "text/javascript; charset=utf-8", Script));
        return app;
    }

    private static Task Serve(HttpContext context, string contentType, string body)
    {
        context.Response.ContentType = contentType;
        context.Response.Headers.CacheControl = "public, max-age=300";
        return context.Response.WriteAsync(body, context.RequestAborted);
    }

    // Copy buttons start hidden (the field stays selectable without script); this shows them and copies the field
    // named by data-copy-target, announcing the result in the button's status element.
    public const string Script = """
        "use strict";
        document.addEventListener("DOMContentLoaded", function () {
          document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
            var field = document.getElementById(button.getAttribute("data-copy-target"));
            var status = document.getElementById(button.getAttribute("data-copy-status"));
            if (!field) { return; }
            button.hidden = false;
            button.addEventListener("click", function () {
              var done = function (ok) { if (status) { status.textContent = ok ? "Copied to the clipboard." : "Copy failed: select the text and copy it."; } };
              if (navigator.clipboard && window.isSecureContext) {
                navigator.clipboard.writeText(field.value).then(function () { done(true); }, function () { done(false); });
              } else {
                field.focus();
                field.select();
                try { done(document.execCommand("copy")); } catch (e) { done(false); }
              }
            });
          });
        });
        """;

    public const string Css = """
        :root { color-scheme: light dark; --fg: #1c1e21; --bg: #f5f6f8; --card: #fff; --muted: #5b616b; --line: #d5d9df;
          --accent: #4e5bd8; --accent-fg: #fff; --danger: #b3261e; --ok: #1e7b34; }
        @media (prefers-color-scheme: dark) { :root { --fg: #e6e7ea; --bg: #16171a; --card: #202226; --muted: #a4a9b2;
          --line: #3a3d44; --accent: #7b86ff; --accent-fg: #0b0c10; --danger: #ff8a80; --ok: #7ee09a; } }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
        a { color: var(--accent); }
        .skip { position: absolute; left: -9999px; top: 0; }
        .skip:focus { left: 1rem; top: 1rem; background: var(--card); padding: .5rem 1rem; z-index: 10; }
        header.top { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; align-items: center; justify-content: space-between;
          padding: .75rem 1.25rem; background: var(--card); border-bottom: 1px solid var(--line); }
        .brand { font-weight: 700; font-size: 1.2rem; text-decoration: none; color: var(--fg); }
        nav { display: flex; flex-wrap: wrap; gap: .25rem 1rem; align-items: center; }
        .who { color: var(--muted); }
        main { max-width: 52rem; margin: 0 auto; padding: 1.25rem; }
        main:focus { outline: none; }
        h1 { font-size: 1.6rem; margin: .5rem 0 1rem; }
        h2 { font-size: 1.2rem; margin: 0 0 .75rem; }
        section, .card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1rem 1.25rem; margin: 0 0 1.25rem; }
        label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
        .hint { color: var(--muted); font-size: .9rem; margin: .25rem 0 0; }
        input[type=text], input[type=password], input[type=url], textarea, select {
          width: 100%; font: inherit; padding: .55rem .65rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); color: var(--fg); }
        textarea { min-height: 6rem; }
        input:focus-visible, textarea:focus-visible, select:focus-visible, button:focus-visible, a:focus-visible {
          outline: 3px solid var(--accent); outline-offset: 2px; }
        button, .button { display: inline-block; font: inherit; font-weight: 600; padding: .55rem 1.1rem; border-radius: 6px; border: 1px solid var(--accent);
          background: var(--accent); color: var(--accent-fg); cursor: pointer; text-decoration: none; margin-top: .9rem; }
        button.secondary, .button.secondary { background: transparent; color: var(--accent); }
        button.danger { background: var(--danger); border-color: var(--danger); color: #fff; }
        button.link { background: none; border: none; color: var(--accent); padding: 0; margin: 0; text-decoration: underline; font-weight: 400; }
        form.inline { display: inline; }
        .actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
        .alert { padding: .75rem 1rem; border-radius: 6px; border: 1px solid; }
        .alert.error { color: var(--danger); border-color: var(--danger); }
        .alert.ok { color: var(--ok); border-color: var(--ok); }
        .secret, code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; word-break: break-all; }
        .copyrow { display: flex; gap: .5rem; align-items: stretch; flex-wrap: wrap; }
        .copyrow input { flex: 1 1 16rem; }
        .copyrow button { margin-top: 0; }
        ul.apps { list-style: none; padding: 0; margin: 0; }
        ul.apps li { padding: .6rem 0; border-bottom: 1px solid var(--line); display: flex; gap: .75rem; align-items: center; }
        ul.apps li:last-child { border-bottom: none; }
        .avatar { width: 64px; height: 64px; border-radius: 50%; object-fit: cover; flex: none; }
        .avatar.small { width: 32px; height: 32px; }
        .avatar.letter { display: inline-flex; align-items: center; justify-content: center; background: var(--accent); color: var(--accent-fg);
          font-weight: 700; font-size: 1.6rem; }
        .avatar.small.letter { font-size: .9rem; }
        .botcard { display: flex; gap: 1rem; align-items: center; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
        dt { font-weight: 600; }
        dd { margin: 0; word-break: break-all; }
        @media (max-width: 560px) { dl { grid-template-columns: 1fr; } dd { margin-bottom: .5rem; } main { padding: .75rem; } }
        """;
}
