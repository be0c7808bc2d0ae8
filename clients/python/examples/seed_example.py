import os, circul
bot = circul.Bot(os.environ["CIRCUL_SERVER"], os.environ["BOT_TOKEN"])
@bot.on_ready
def ready(me):
    for p in bot.get_panels():
        print(p.name, [c.name for c in bot.get_channels(p.id)])
@bot.on_panel_message
def on_msg(ctx):
    # ctx.panel → Panel object
    # ctx.channel → PanelChannel object
    if ctx.mentioned_me:
        ctx.reply("You mentioned me!", mention_sender=True)
@bot.on_member_joined
def welcome(ctx):
    chs = bot.get_channels(ctx.panel_id)
    g = next((c for c in chs if "general" in c.name), chs[0])
    ctx.send(g.id, f"Welcome <@{ctx.user_id}>!")
@bot.command("info")
def cmd_info(ctx):
    if ctx.is_panel and ctx.panel:
        ctx.reply(f"{ctx.panel.name} — {ctx.panel.member_count} members")
bot.run()
