import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** One immutable version of a template, as stored in `template_versions`. */
export interface StoredTemplate {
  key: string;
  version: number;
  subject: string;
  html: string;
  /** Null: the plain-text part is generated from the HTML. */
  text: string | null;
  createdBy: string;
  createdAt: Date;
}

export interface TemplateVersionInfo {
  version: number;
  createdAt: Date;
  createdBy: string;
}

interface Row {
  key: string;
  version: number;
  subject: string;
  html: string;
  text: string | null;
  created_by: string;
  created_at: Date;
}

const toStored = (row: Row): StoredTemplate => ({
  key: row.key,
  version: row.version,
  subject: row.subject,
  html: row.html,
  text: row.text,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

/** Concurrent saves of one key each try the next number; this many tries is plenty. */
const MAX_VERSION_ATTEMPTS = 20;

/** The `template_versions` table: versions are only ever added, never changed. */
@Injectable()
export class TemplateStore {
  constructor(private readonly db: DataSource) {}

  async latestVersion(key: string): Promise<number | null> {
    const [row] = await this.db.query<{ version: number | null }[]>(
      'SELECT max(version) AS version FROM template_versions WHERE key = $1',
      [key],
    );
    return row?.version ?? null;
  }

  async find(key: string, version?: number): Promise<StoredTemplate | null> {
    const rows = await this.db.query<Row[]>(
      version === undefined
        ? 'SELECT * FROM template_versions WHERE key = $1 ORDER BY version DESC LIMIT 1'
        : 'SELECT * FROM template_versions WHERE key = $1 AND version = $2',
      version === undefined ? [key] : [key, version],
    );
    return rows[0] ? toStored(rows[0]) : null;
  }

  async versions(key: string): Promise<TemplateVersionInfo[]> {
    const rows = await this.db.query<Pick<Row, 'version' | 'created_at' | 'created_by'>[]>(
      `SELECT version, created_at, created_by FROM template_versions
        WHERE key = $1 ORDER BY version DESC`,
      [key],
    );
    return rows.map((r) => ({
      version: r.version,
      createdAt: r.created_at,
      createdBy: r.created_by,
    }));
  }

  /** Every key with its latest version. */
  async list(): Promise<(TemplateVersionInfo & { key: string })[]> {
    const rows = await this.db.query<Pick<Row, 'key' | 'version' | 'created_at' | 'created_by'>[]>(
      `SELECT DISTINCT ON (key) key, version, created_at, created_by FROM template_versions
        ORDER BY key, version DESC`,
    );
    return rows.map((r) => ({
      key: r.key,
      version: r.version,
      createdAt: r.created_at,
      createdBy: r.created_by,
    }));
  }

  /**
   * Adds version max + 1. Two saves of one key at once compute the same number; the unique
   * (key, version) lets one in, `ON CONFLICT DO NOTHING` returns nothing to the other (after
   * waiting for the winner's commit), and it tries again with the next number.
   */
  async addVersion(
    key: string,
    content: { subject: string; html: string; text: string | null },
    createdBy: string,
  ): Promise<{ key: string; version: number; createdAt: Date }> {
    for (let attempt = 1; attempt <= MAX_VERSION_ATTEMPTS; attempt++) {
      const rows = await this.db.query<Pick<Row, 'version' | 'created_at'>[]>(
        `INSERT INTO template_versions (key, version, subject, html, text, created_by)
         SELECT $1, COALESCE(max(version), 0) + 1, $2, $3, $4, $5
           FROM template_versions WHERE key = $1
         ON CONFLICT (key, version) DO NOTHING
         RETURNING version, created_at`,
        [key, content.subject, content.html, content.text, createdBy],
      );
      if (rows[0]) return { key, version: rows[0].version, createdAt: rows[0].created_at };
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
    }
    throw new Error(`could not add a version of template ${key}: too many concurrent saves`);
  }

  /**
   * Adds version 1 unless the key has one (versions start at 1 and are never deleted, so a key
   * with any version has version 1). Safe when several processes boot at once.
   */
  async addFirstVersion(
    key: string,
    content: { subject: string; html: string; text: string | null },
    createdBy: string,
  ): Promise<boolean> {
    const rows = await this.db.query<{ version: number }[]>(
      `INSERT INTO template_versions (key, version, subject, html, text, created_by)
       VALUES ($1, 1, $2, $3, $4, $5)
       ON CONFLICT (key, version) DO NOTHING
       RETURNING version`,
      [key, content.subject, content.html, content.text, createdBy],
    );
    return rows.length > 0;
  }
}
