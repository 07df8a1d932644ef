import { Body, Controller, Get, Header, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../common/auth/auth.decorators';
import { notFound, validationProblem } from '../../common/problem/problem';
import { TemplateRenderer } from '../../messaging/templates/template-renderer';
import {
  CheckInAnswer,
  COMMENT_MAX,
  parseCheckInAnswer,
  preselectedAnswer,
} from './check-in-answer';
import { CheckInAnswersService } from './check-in-answers.service';
import type { CheckInRow } from './check-in-store';

/**
 * The public check-in pages. `GET /c/{token}` never records anything — mail scanners follow
 * links — it shows the answer a one-click link preselected, with one button (and a comment
 * box for a problem). `POST /c/{token}` records: a form from the page gets a page back, a
 * JSON client gets JSON and problem+json errors. A token that is not ours gets a 404 page.
 */
@ApiExcludeController()
@Public()
@Controller('c')
export class CheckInPageController {
  constructor(
    private readonly answers: CheckInAnswersService,
    private readonly renderer: TemplateRenderer,
  ) {}

  @Get(':token')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  async page(
    @Param('token') token: string,
    @Query('answer') answer: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const checkIn = await this.answers.find(token);
    if (!checkIn) return this.notFoundPage(res);
    return this.checkInPage(token, checkIn, { choice: preselectedAnswer(answer) });
  }

  @Post(':token')
  @Header('Cache-Control', 'no-store')
  async answer(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    const json = Boolean(req.is('application/json'));
    // An unknown or forged token is refused before the body is looked at.
    const checkIn = await this.answers.find(token);
    if (!checkIn) return this.refuseToken(res, json);
    const parsed = parseCheckInAnswer(body, json ? 'json' : 'form');
    if (!parsed.ok && json) throw validationProblem(parsed.errors);
    if (!parsed.ok) {
      const form = (body ?? {}) as Record<string, unknown>;
      res.status(422).type('html');
      return this.checkInPage(token, checkIn, {
        choice: preselectedAnswer(form.answer),
        comment: typeof form.comment === 'string' ? form.comment : null,
        errors: parsed.errors.map((e) => formError(e.path, e.message)),
      });
    }
    const recorded = await this.answers.record(token, parsed.value);
    if (!recorded) return this.refuseToken(res, json);
    res.status(200);
    if (json) {
      return {
        answer: recorded.answer,
        comment: recorded.comment,
        answeredAt: recorded.answeredAt,
      };
    }
    res.type('html');
    return this.renderer.renderPage('check-in-answered', {
      answer: recorded.answer,
      comment: recorded.comment,
      customer: { firstName: checkIn.customerFirstName },
      order: checkIn.orderExternalId ? { id: checkIn.orderExternalId } : null,
      url: this.links(token).url,
    });
  }

  private checkInPage(
    token: string,
    checkIn: CheckInRow,
    view: { choice: CheckInAnswer | null; comment?: string | null; errors?: string[] },
  ) {
    const links = this.links(token);
    return this.renderer.renderPage('check-in', {
      actionUrl: `/c/${encodeURIComponent(token)}`,
      goodUrl: links.goodUrl,
      problemUrl: links.problemUrl,
      choice: view.choice,
      // Coming back to say more about a problem starts from what they wrote last time.
      comment: view.comment ?? (checkIn.answer === 'problem' ? checkIn.comment : null),
      commentMax: COMMENT_MAX,
      errors: view.errors ?? [],
      customer: { firstName: checkIn.customerFirstName },
      order: checkIn.orderExternalId ? { id: checkIn.orderExternalId } : null,
      previous: checkIn.answer ? { answer: checkIn.answer, answeredAt: checkIn.answeredAt } : null,
    });
  }

  /** The page's own links are relative to this server: the token is the one in the URL. */
  private links(token: string) {
    const base = `/c/${encodeURIComponent(token)}`;
    return { url: base, goodUrl: `${base}?answer=good`, problemUrl: `${base}?answer=problem` };
  }

  private refuseToken(res: Response, json: boolean) {
    if (json) throw notFound('check-in');
    return this.notFoundPage(res);
  }

  private notFoundPage(res: Response) {
    res.status(404).type('html');
    return this.renderer.renderPage('not-found', {});
  }
}

/** Form errors in the customer's words, not the API's field paths. */
function formError(path: string, message: string) {
  if (path === 'answer') return 'Please choose “All good” or “I have a problem”.';
  if (path === 'comment')
    return `Your message is too long: please keep it under ${COMMENT_MAX} characters.`;
  return `${path}: ${message}`;
}
