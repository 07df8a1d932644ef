import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { z } from 'zod';
import { Roles } from '../../common/auth/auth.decorators';
import { CurrentPrincipal, Principal } from '../../common/auth/principal';
import { ApiValidationResponses } from '../../common/validation/api-responses';
import { ApiZodBody, ZodPipe } from '../../common/validation/zod-body';
import { TaskCompletion } from './task-completion';
import { TaskQueries } from './task-queries';
import { CompleteTask, completeTaskSchema, ListTasksQuery, listTasksQuery } from './task.schemas';

/** A bad id is a 422 naming `id`, like every other bad input. */
const idPipe = new ZodPipe(z.uuid('must be a task id (a UUID)'), ['id']);

const SALES_SCOPE =
  'A sales key sees and completes only the tasks assigned to its ownerEmail (403 otherwise); admin and support see all.';

@ApiTags('tasks')
@Controller('v1/tasks')
export class TasksController {
  constructor(
    private readonly queries: TaskQueries,
    private readonly completion: TaskCompletion,
  ) {}

  @Get()
  @Roles('sales', 'support')
  @ApiOperation({
    summary: 'Sales tasks, newest first, by assignee and status (sales, support)',
    description: `${SALES_SCOPE} Cursor pagination: pass \`nextCursor\` of an answer as \`cursor\` for the next page.`,
  })
  list(
    @Query(new ZodPipe(listTasksQuery)) query: ListTasksQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.queries.list(query, principal);
  }

  @Get(':id')
  @Roles('sales', 'support')
  @ApiOperation({ summary: 'A sales task (sales, support)', description: SALES_SCOPE })
  @ApiNotFoundResponse({ description: 'Unknown task (problem+json)' })
  get(@Param('id', idPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.queries.get(id, principal);
  }

  @Post(':id/complete')
  @Roles('sales', 'support')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Record the outcome of a task (sales, support)',
    description: `Emits \`task.completed\` for the task's customer with \`properties: { taskId, outcome, notes, valueDelivered, accountId }\`, so rules can follow up (the value summary to every stakeholder). ${SALES_SCOPE}`,
  })
  @ApiZodBody(completeTaskSchema)
  @ApiOkResponse({ description: 'The completed task' })
  @ApiNotFoundResponse({ description: 'Unknown task (problem+json)' })
  @ApiConflictResponse({ description: 'Completed already, or held out (problem+json)' })
  @ApiValidationResponses()
  complete(
    @Param('id', idPipe) id: string,
    @Body(new ZodPipe(completeTaskSchema)) body: CompleteTask,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.completion.execute(id, body, principal);
  }
}
