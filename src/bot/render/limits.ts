import type { APIEmbed } from 'discord.js';

/** Discord's message limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedsTotal: 6000,
  customId: 100,
  buttonLabel: 80,
  choices: 25,
  choiceName: 100,
  threadName: 100,
} as const;

/** Characters Discord counts toward the 6000 total of a message's embeds. */
export function embedLength(embed: APIEmbed): number {
  return (
    (embed.title?.length ?? 0) +
    (embed.description?.length ?? 0) +
    (embed.footer?.text.length ?? 0) +
    (embed.author?.name.length ?? 0) +
    (embed.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/** Every Discord limit a message would break, as readable strings; empty when it can be sent. */
export function limitViolations(message: { content?: string; embeds?: APIEmbed[] }): string[] {
  const L = DISCORD_LIMITS;
  const out: string[] = [];
  const content = message.content ?? '';
  if (content.length > L.content) out.push(`content ${content.length} > ${L.content}`);
  const embeds = message.embeds ?? [];
  if (embeds.length > L.embeds) out.push(`${embeds.length} embeds > ${L.embeds}`);
  embeds.forEach((e, i) => {
    if ((e.title?.length ?? 0) > L.embedTitle) out.push(`embed ${i} title ${e.title!.length}`);
    if ((e.description?.length ?? 0) > L.embedDescription) out.push(`embed ${i} description ${e.description!.length}`);
    if ((e.footer?.text.length ?? 0) > L.footerText) out.push(`embed ${i} footer ${e.footer!.text.length}`);
    if ((e.fields?.length ?? 0) > L.fields) out.push(`embed ${i} has ${e.fields!.length} fields`);
    for (const f of e.fields ?? []) {
      if (f.name.length > L.fieldName || f.name.length === 0) out.push(`embed ${i} field name ${f.name.length}`);
      if (f.value.length > L.fieldValue || f.value.length === 0) out.push(`embed ${i} field value ${f.value.length}`);
    }
    if (e.description !== undefined && e.description.length === 0) out.push(`embed ${i} empty description`);
  });
  const total = embeds.reduce((n, e) => n + embedLength(e), 0);
  if (total > L.embedsTotal) out.push(`embeds total ${total} > ${L.embedsTotal}`);
  return out;
}
