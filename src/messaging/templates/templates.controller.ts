import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Roles } from '../../common/auth/auth.decorators';
import { CurrentPrincipal, Principal } from '../../common/auth/principal';
import { ApiValidationResponses } from '../../common/validation/api-responses';
import { ApiZodBody, ZodPipe } from '../../common/validation/zod-body';
import { CONTEXT_ROOT_NAMES } from './template-context';
import {
  PreviewBody,
  previewSchema,
  TemplateBody,
  templateBodySchema,
  templateKey,
} from './template.schemas';
import { TemplatesService } from './templates.service';

const keyPipe = new ZodPipe(templateKey, ['key']);
const KEY_PARAM = {
  name: 'key',
  description: '`[a-z0-9.-]+`, e.g. `post-purchase.check-in`',
  example: 'post-purchase.check-in',
};

@ApiTags('templates')
@Controller('v1/templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Put(':key')
  @Roles('marketer')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({
    summary: 'Save a new version of a template (marketer)',
    description:
      'Handlebars sources for `subject`, `html` and optionally `text` (generated from the HTML when left out). ' +
      'Every save adds an immutable version (1, 2, …); messages record the version they were rendered with. ' +
      `Paths may start with: ${CONTEXT_ROOT_NAMES.join(', ')}; helpers: money, date, default, eq, if, unless, each, with, lookup; partial: footer. ` +
      'The HTML is wrapped in the layout (with the footer: unsubscribe link, company name and postal address). ' +
      'Syntax errors, unknown helpers, partials or names, `{{{ }}}` and prototype access answer 422 with `line L, column C` in each error, and nothing is stored.',
  })
  @ApiParam(KEY_PARAM)
  @ApiZodBody(templateBodySchema)
  @ApiCreatedResponse({ description: '{ key, version, createdAt }' })
  @ApiValidationResponses()
  save(
    @Param('key', keyPipe) key: string,
    @Body(new ZodPipe(templateBodySchema)) body: TemplateBody,
    @CurrentPrincipal() principal: Principal | undefined,
  ) {
    return this.templates.save(key, body, principal?.name ?? 'unknown');
  }

  @Get()
  @Roles('marketer', 'support')
  @ApiOperation({ summary: 'Every template key with its latest version (marketer, support)' })
  @ApiOkResponse({ description: '{ items: [{ key, version, createdAt, createdBy }] }' })
  list() {
    return this.templates.list();
  }

  @Get(':key')
  @Roles('marketer', 'support')
  @ApiOperation({
    summary: 'The latest version of a template and the list of its versions (marketer, support)',
  })
  @ApiParam(KEY_PARAM)
  @ApiOkResponse({
    description:
      '{ key, version, subject, html, text, createdAt, createdBy, versions: [{ version, createdAt, createdBy }] }',
  })
  @ApiNotFoundResponse({ description: 'Unknown template (problem+json)' })
  get(@Param('key', keyPipe) key: string) {
    return this.templates.get(key);
  }

  @Post(':key/preview')
  @Roles('marketer')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Render a template without sending it (marketer)',
    description:
      'With `customerId`, for that customer (profile and account) over sample data; with `context`, its root names replace the sample ones; ' +
      'with neither, for the sample context. `version` renders an older version (default: the latest).',
  })
  @ApiParam(KEY_PARAM)
  @ApiZodBody(previewSchema)
  @ApiOkResponse({ description: '{ subject, html, text, version }' })
  @ApiNotFoundResponse({ description: 'Unknown template, version or customer (problem+json)' })
  @ApiValidationResponses()
  preview(@Param('key', keyPipe) key: string, @Body(new ZodPipe(previewSchema)) body: PreviewBody) {
    return this.templates.preview(key, body);
  }
}
