import { Body, Controller, Get, Header, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/auth/auth.decorators';
import { TemplateRenderer } from '../templates/template-renderer';
import { UnsubscribeScope, UnsubscribeService } from './unsubscribe.service';

/**
 * The public unsubscribe pages: `GET /u/{token}` lets the customer choose (offers and
 * promotions, or everything); `POST /u/{token}` records it. A mail client's RFC 8058
 * one-click POST (`List-Unsubscribe=One-Click`) unsubscribes from offers and promotions.
 * A token that is not ours gets a plain 404 page, never an error.
 */
@ApiExcludeController()
@Public()
@Controller('u')
export class UnsubscribeController {
  constructor(
    private readonly unsubscribes: UnsubscribeService,
    private readonly renderer: TemplateRenderer,
  ) {}

  @Get(':token')
  @Header('Content-Type', 'text/html; charset=utf-8')
  async page(@Param('token') token: string, @Res({ passthrough: true }) res: Response) {
    const customer = await this.unsubscribes.customerFor(token);
    if (!customer) return this.notFound(res);
    return this.renderer.renderPage('unsubscribe', {
      token,
      actionUrl: `/u/${encodeURIComponent(token)}`,
      customer: { firstName: customer.firstName },
      currentScope: customer.scope,
    });
  }

  @Post(':token')
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  async unsubscribe(
    @Param('token') token: string,
    @Body() body: Record<string, unknown> | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    const customer = await this.unsubscribes.customerFor(token);
    if (!customer) return this.notFound(res);
    const scope: UnsubscribeScope = body?.scope === 'all' ? 'all' : 'marketing';
    await this.unsubscribes.unsubscribe(customer, scope);
    return this.renderer.renderPage('unsubscribed', { scope, everything: scope === 'all' });
  }

  private notFound(res: Response) {
    res.status(404);
    return this.renderer.renderPage('not-found', {});
  }
}
