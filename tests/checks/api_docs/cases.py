"""Realistic PR diffs per framework for the api-docs check: route shapes as each framework's
documentation and real applications write them (FastAPI's full-stack template, DRF's router
guide, the Express and NestJS guides, Spring PetClinic REST, ASP.NET's minimal API tutorial, Go
1.22's ServeMux patterns, Rails and Laravel routing guides, Phoenix's router guide)."""
# ruff: noqa: E501 (code lines as the frameworks' users write them)

from __future__ import annotations

from dataclasses import dataclass

from tests.diffs import deleted, modified, new_file


@dataclass(frozen=True)
class Case:
    """One PR: its diff, the status the check gives and the endpoints it names."""

    name: str
    diff: str
    status: str
    endpoints: tuple[str, ...] = ()


# --- FastAPI / Starlette --------------------------------------------------------------------
FASTAPI_NEW_ROUTE = modified("backend/app/api/routes/items.py", 88, [
    "    session.commit()",
    '    return Message(message="Item deleted successfully")',
    "", ""], [], [
    '@router.post("/{id}/archive", response_model=ItemPublic)',
    "def archive_item(session: SessionDep, current_user: CurrentUser, id: uuid.UUID) -> Any:",
    "    item = session.get(Item, id)",
    "    if not item:",
    '        raise HTTPException(status_code=404, detail="Item not found")',
    "    item.archived = True",
    "    session.add(item)",
    "    session.commit()",
    "    return item",
])
FASTAPI_WITH_DOCSTRING = modified("backend/app/api/routes/items.py", 88, [
    "    session.commit()", "", ""], [], [
    '@router.post("/{id}/archive", response_model=ItemPublic)',
    "def archive_item(",
    "    session: SessionDep, current_user: CurrentUser, id: uuid.UUID",
    ") -> Any:",
    '    """',
    "    Archive an item: it no longer shows in the owner's list.",
    '    """',
    "    item = session.get(Item, id)",
])
FASTAPI_PREFIXED = modified("backend/app/api/routes/private.py", 10, [
    'router = APIRouter(tags=["private"], prefix="/private")', "", ""], [], [
    '@router.post("/users/", response_model=UserPublic)',
    "def create_user(user_in: PrivateUserCreate, session: SessionDep) -> Any:",
    "    user = User(email=user_in.email, full_name=user_in.full_name)"], [""])
FASTAPI_WITH_SUMMARY = modified("app/routers/users.py", 30, ["", ""], [], [
    '@router.get("/users/{username}", tags=["users"], summary="Read one user by name")',
    "async def read_user(username: str):",
    '    return {"username": username}',
])
FASTAPI_BODY_ONLY = modified("backend/app/api/routes/items.py", 52, [
    '@router.get("/{id}", response_model=ItemPublic)',
    "def read_item(session: SessionDep, current_user: CurrentUser, id: uuid.UUID) -> Any:",
    '    """',
    "    Get item by ID.",
    '    """',
    "    item = session.get(Item, id)",
    "    if not item:"], [
    '        raise HTTPException(status_code=400, detail="Item not found")'], [
    '        raise HTTPException(status_code=404, detail="Item not found")'], [
    "    if not current_user.is_superuser and (item.owner_id != current_user.id):"])
FASTAPI_RESPONSE_MODEL = modified("app/api/routes/orders.py", 20, ["", ""], [
    '@router.get("/orders/{order_id}", response_model=OrderOut)'], [
    '@router.get("/orders/{order_id}", response_model=OrderPublic, status_code=200)'], [
    "def read_order(order_id: int, session: SessionDep) -> Any:",
    "    order = session.get(Order, order_id)",
    "    return order",
    "",
    "",
    '@router.delete("/orders/{order_id}")',
    "def delete_order(order_id: int, session: SessionDep) -> Message:",
    "    session.delete(session.get(Order, order_id))",
    "    session.commit()",
    '    return Message(message="deleted")',
    "",
    ""])
FASTAPI_NEW_QUERY_PARAM = modified("app/api/routes/items.py", 20, [
    '@router.get("/", response_model=ItemsPublic)'], [
    "def read_items(session: SessionDep, skip: int = 0, limit: int = 100) -> Any:"], [
    "def read_items(session: SessionDep, skip: int = 0, limit: int = 100, q: str | None = None) -> Any:"], [
    "    statement = select(Item).offset(skip).limit(limit)",
    "    if q:",
    "        statement = statement.where(Item.title.contains(q))",
    "    return ItemsPublic(data=session.exec(statement).all())"])
FASTAPI_DEPENDENCY_ONLY = modified("app/api/routes/items.py", 20, [
    '@router.get("/", response_model=ItemsPublic)'], [
    "def read_items(db: Session = Depends(get_db), skip: int = 0, limit: int = 100) -> Any:"], [
    "def read_items(session: SessionDep, skip: int = 0, limit: int = 100) -> Any:"], [
    "    statement = select(Item).offset(skip).limit(limit)",
    "    return ItemsPublic(data=session.exec(statement).all())"])
STARLETTE_ROUTES = modified("app/main.py", 12, ["routes = ["], [], [
    '    Route("/api/health", endpoint=health, methods=["GET"]),',
    '    WebSocketRoute("/ws/events", endpoint=EventsEndpoint),'], ["]"])
FASTAPI_ROUTE_IN_TEST = modified("backend/tests/api/routes/test_items.py", 1, ["import pytest", ""], [], [
    "app = FastAPI()",
    "",
    '@app.get("/broken")',
    "def broken():",
    '    raise RuntimeError("boom")'])
FASTAPI_MOVED = (modified("app/api/routes/login.py", 40, [""], [
    '@router.post("/password-recovery/{email}")',
    "def recover_password(email: str, session: SessionDep) -> Message:",
    '    """Password Recovery"""'], [])
    + modified("app/api/routes/recovery.py", 10, [""], [], [
    '@router.post("/password-recovery/{email}")',
    "def recover_password(email: str, session: SessionDep) -> Message:",
    '    """Password Recovery"""']))

# --- Flask ------------------------------------------------------------------------------------
FLASK_API = modified("app/api/users.py", 40, ["", ""], [], [
    '@bp.route("/users/<int:user_id>", methods=["DELETE"])',
    "@login_required",
    "def delete_user(user_id):",
    "    user = db.get_or_404(User, user_id)",
    "    db.session.delete(user)",
    "    db.session.commit()",
    '    return "", 204'])
FLASK_PAGE = modified("app/main/views.py", 20, ["", ""], [], [
    '@main.route("/about")',
    "def about():",
    '    return render_template("about.html")'])

# --- Django / DRF -----------------------------------------------------------------------------
DJANGO_URLS = modified("orders/urls.py", 6, ["urlpatterns = ["], [], [
    '    path("api/orders/<int:pk>/", views.OrderDetailAPIView.as_view(), name="order-detail"),'], [
    '    path("api/orders/", views.OrderListAPIView.as_view(), name="order-list"),', "]"])
DJANGO_PAGE = modified("blog/urls.py", 6, ["urlpatterns = ["], [], [
    '    path("archive/<int:year>/", views.year_archive, name="year-archive"),'], ["]"])
DRF_ROUTER = modified("api/urls.py", 8, ["router = DefaultRouter()"], [], [
    'router.register(r"invoices", InvoiceViewSet, basename="invoice")'], [
    "urlpatterns = router.urls"])
DRF_ACTION_SPECTACULAR = modified("api/views.py", 60, ["", ""], [], [
    "    @extend_schema(summary=\"Set a user's password\", responses={204: None})",
    '    @action(detail=True, methods=["post"], url_path="set-password")',
    "    def set_password(self, request, pk=None):",
    "        user = self.get_object()"])
DRF_ACTION_BARE = modified("api/views.py", 60, ["", ""], [], [
    '    @action(detail=False, methods=["get"])',
    "    def recent_users(self, request):",
    "        users = User.objects.order_by('-last_login')[:10]"])

# --- Express / Koa / Fastify / NestJS / Next.js -----------------------------------------------
EXPRESS_NEW = modified("src/routes/v1/user.route.js", 14, [
    "router",
    "  .route('/:userId')",
    "  .get(auth('getUsers'), validate(userValidation.getUser), userController.getUser);"], [], [
    "router.post('/:userId/avatar', auth('manageUsers'), upload.single('avatar'), userController.uploadAvatar);"], [
    "", "module.exports = router;"])
EXPRESS_JSDOC = modified("src/routes/v1/auth.route.js", 14, [""], [], [
    "/**",
    " * @openapi",
    " * /auth/send-verification-email:",
    " *   post:",
    " *     summary: Send verification email",
    " */",
    "router.post('/send-verification-email', auth(), authController.sendVerificationEmail);"], [""])
EXPRESS_MULTILINE_REFORMAT = modified("src/routes/v1/auth.route.js", 12, [
    "router.post('/reset-password', validate(authValidation.resetPassword), authController.resetPassword);"], [
    "router.post(",
    "  '/verification-email',",
    "  auth('verifyEmail'),",
    "  validate(authValidation.verificationEmail),",
    "  authController.verificationEmail",
    ");"], [
    "router.post('/verification-email', auth(), validate(authValidation.verificationEmail), authController.verificationEmail);"], [
    "router.post('/verify-email', validate(authValidation.verifyEmail), authController.verifyEmail);"])
EXPRESS_RENAMED_PATH = modified("src/routes/v1/auth.route.js", 14, [
    "router.post('/reset-password', validate(authValidation.resetPassword), authController.resetPassword);"], [
    "router.post('/verification-email', auth(), authController.sendVerificationEmail);"], [
    "router.post('/send-verification-email', auth(), authController.sendVerificationEmail);"], [""])
EXPRESS_REMOVED = deleted("src/routes/legacy.js", [
    "const express = require('express');",
    "const router = express.Router();",
    "",
    "router.get('/legacy/export', exportController.csv);",
    "",
    "module.exports = router;"])
AXIOS_CLIENT = modified("web/src/api/users.ts", 5, [""], [], [
    "export const fetchUsers = () => api.get('/users', { params: { page: 1 } });",
    "export const saveUser = (user: User) => axios.post('/api/users', user);"])
KOA_ROUTE = modified("server/routes/articles.js", 30, [""], [], [
    "router.get('/articles/:slug/comments', async (ctx) => {",
    "  ctx.body = await Comment.findAll({ where: { articleSlug: ctx.params.slug } });",
    "});"], [""])
FASTIFY_ROUTE = modified("src/app.ts", 18, [""], [], [
    "fastify.route({ method: 'POST', url: '/login', handler: loginHandler });",
    "fastify.get('/health', async () => ({ status: 'ok' }));"], [""])
FASTIFY_SCHEMA = modified("src/app.ts", 18, [""], [], [
    "fastify.get('/users/:id', {",
    "  schema: { summary: 'Read one user', params: UserParams, response: { 200: User } },",
    "}, getUser);"], [""])
NEST_NEW = modified("src/cats/cats.controller.ts", 1, [
    "import { Controller, Get, Param } from '@nestjs/common';",
    "",
    "@Controller('cats')",
    "export class CatsController {"], [], [
    "  @Get(':id')",
    "  findOne(@Param('id') id: string): Promise<Cat> {",
    "    return this.catsService.findOne(id);",
    "  }"], ["}"])
NEST_NEW_QUERY = modified("src/cats/cats.controller.ts", 1, [
    "@Controller('cats')", "export class CatsController {", "  @Get()"], [
    "  findAll(): Promise<Cat[]> {"], [
    "  findAll(@Query('breed') breed?: string): Promise<Cat[]> {"], [
    "    return this.catsService.findAll(breed);", "  }"])
NEST_SWAGGER = modified("src/cats/cats.controller.ts", 1, [
    "@ApiTags('cats')",
    "@Controller('cats')",
    "export class CatsController {"], [], [
    "  @Post()",
    "  @ApiOperation({ summary: 'Create cat' })",
    "  @ApiResponse({ status: 403, description: 'Forbidden.' })",
    "  async create(@Body() createCatDto: CreateCatDto) {",
    "    return this.catsService.create(createCatDto);",
    "  }"], ["}"])
NEXT_ROUTE = new_file("app/api/users/[id]/route.ts", [
    "import { NextResponse } from 'next/server';",
    "",
    "export async function GET(request: Request, { params }: { params: { id: string } }) {",
    "  return NextResponse.json(await db.user.findUnique({ where: { id: params.id } }));",
    "}"])

# Next.js answers HEAD and OPTIONS from handlers of their own, exported like GET's.
NEXT_HEAD_ROUTE = new_file("app/api/health/route.ts", [
    "export async function HEAD() {",
    "  return new Response(null, { status: (await db.ping()) ? 200 : 503 });",
    "}",
    "",
    "export function OPTIONS() {",
    "  return new Response(null, { headers: { Allow: 'GET, HEAD, OPTIONS' } });",
    "}"])

EXPRESS_CHAIN = modified("src/routes/books.js", 8, ["const router = express.Router();"], [], [
    "router.route('/books/:id').get(books.show).put(auth, books.update).delete(auth, books.destroy);"], [
    "module.exports = router;"])

# --- Spring / JAX-RS / Micronaut --------------------------------------------------------------
SPRING_NEW = new_file("src/main/java/org/springframework/samples/petclinic/rest/PetTypeRestController.java", [
    "package org.springframework.samples.petclinic.rest;",
    "",
    "@RestController",
    '@RequestMapping("/api/pettypes")',
    "public class PetTypeRestController {",
    "",
    '    @GetMapping("/{petTypeId}")',
    "    public ResponseEntity<PetTypeDto> getPetType(@PathVariable int petTypeId) {",
    "        return ResponseEntity.ok(mapper.toDto(service.findPetTypeById(petTypeId)));",
    "    }",
    "",
    '    @RequestMapping(value = "", method = RequestMethod.POST, produces = MediaType.APPLICATION_JSON_VALUE)',
    "    public ResponseEntity<PetTypeDto> addPetType(@RequestBody PetTypeDto petType) {",
    "        return new ResponseEntity<>(petType, HttpStatus.CREATED);",
    "    }",
    "}"])
SPRING_SPRINGDOC = modified("src/main/java/com/acme/OrderController.java", 30, ["", ""], [], [
    '    @Operation(summary = "Cancel an order", description = "Only open orders can be cancelled")',
    '    @ApiResponse(responseCode = "204", description = "Cancelled")',
    '    @PostMapping("/{id}/cancel")',
    "    public ResponseEntity<Void> cancel(@PathVariable Long id) {"], ["    }"])
SPRING_PRODUCES_CHURN = modified("src/main/java/org/acme/rest/OwnerRestController.java", 60, ["", ""], [
    '\t@RequestMapping(value = "/{ownerId}", method = RequestMethod.GET, produces = MediaType.APPLICATION_JSON_UTF8_VALUE)'], [
    '\t@RequestMapping(value = "/{ownerId}", method = RequestMethod.GET, produces = "application/json")'], [
    "\tpublic ResponseEntity<Owner> getOwner(@PathVariable(\"ownerId\") int ownerId){"])
SPRING_NEW_REQUEST_PARAM = modified("src/main/java/org/acme/rest/OwnerRestController.java", 60, [
    '    @GetMapping("/owners")'], [
    "    public ResponseEntity<List<OwnerDto>> listOwners(Principal principal) {"], [
    '    public ResponseEntity<List<OwnerDto>> listOwners(Principal principal, @RequestParam(name = "lastName", required = false) String lastName) {'], [
    "        Collection<Owner> owners = this.clinicService.findAllOwners();"])
SPRING_SERVER_PARAM = modified("src/main/java/org/acme/rest/OwnerRestController.java", 60, [
    '    @GetMapping("/owners/{ownerId}")'], [
    '    public ResponseEntity<OwnerDto> getOwner(@PathVariable("ownerId") int ownerId) {'], [
    '    public ResponseEntity<OwnerDto> getOwner(@PathVariable("ownerId") int ownerId, Principal principal) {'], [
    "        Owner owner = this.clinicService.findOwnerById(ownerId);"])
SPRING_MVC_PAGE = modified("src/main/java/org/springframework/samples/petclinic/owner/OwnerController.java", 40, [
    "@Controller", "class OwnerController {", ""], [], [
    '\t@GetMapping("/owners/new")',
    "\tpublic String initCreationForm(Map<String, Object> model) {",
    '\t\treturn VIEWS_OWNER_CREATE_OR_UPDATE_FORM;',
    "\t}"], [""])
JAXRS_NEW = modified("src/main/java/org/acme/OrderResource.java", 10, [
    '@Path("/orders")', "public class OrderResource {", ""], [], [
    "    @GET",
    '    @Path("/{id}")',
    "    @Produces(MediaType.APPLICATION_JSON)",
    "    public Order get(@PathParam(\"id\") long id) {"], ["    }"])

# --- ASP.NET Core -----------------------------------------------------------------------------
ASPNET_CONTROLLER = modified("src/Api/Controllers/TodoItemsController.cs", 1, [
    "[ApiController]", '[Route("api/[controller]")]', "public class TodoItemsController : ControllerBase", "{"], [], [
    '    [HttpGet("{id}")]',
    "    public async Task<ActionResult<TodoItem>> GetTodoItem(long id)",
    "    {"], ["    }"])
ASPNET_XML_DOCS = modified("src/Api/Controllers/TodoItemsController.cs", 20, ["", ""], [], [
    "    /// <summary>Deletes a specific TodoItem.</summary>",
    "    /// <param name=\"id\">The item's id.</param>",
    '    [HttpDelete("{id}")]',
    "    public async Task<IActionResult> DeleteTodoItem(long id)"], ["    {"])
ASPNET_MINIMAL = modified("Program.cs", 20, ["var app = builder.Build();", ""], [], [
    'app.MapGet("/todoitems/complete", async (TodoDb db) => await db.Todos.Where(t => t.IsComplete).ToListAsync());'], [
    "", "app.Run();"])
ASPNET_MINIMAL_WITH_SUMMARY = modified("Program.cs", 20, ["var app = builder.Build();", ""], [], [
    'app.MapPost("/todoitems", CreateTodo)',
    '   .WithSummary("Create a todo item")',
    "   .WithOpenApi();"], ["", "app.Run();"])

# --- Go -------------------------------------------------------------------------------------
GO_ROUTES = modified("internal/server/routes.go", 20, ["\tmux := http.NewServeMux()"], [], [
    '\tmux.HandleFunc("GET /items/{id}", s.getItem)',
    '\tr.HandleFunc("/books/{title}", CreateBook).Methods("POST")'], ["\treturn mux"])
GIN_ECHO_CHI = modified("router/router.go", 100, ["\tclientAuth := g.Group(\"\")", "\t{"], [], [
    '\t\tclientAuth.POST("/client/:id/rotate", clientHandler.RotateClientToken)',
    '\t\te.PUT("/users/:id", updateUser)',
    '\t\tr.Get("/articles/{articleID}", getArticle)'], ["\t}"])
GO_CLIENT = modified("internal/fetch/fetch.go", 10, [""], [], [
    "\tresp, err := http.Get(url)",
    '\tv := c.Get("user")'], [""])
GO_SWAGGO = modified("api/health.go", 10, [""], [], [
    "// Health godoc",
    "// @Summary      Report health",
    "// @Router       /health [get]",
    'func (a *API) Routes(r *gin.Engine) { r.GET("/health", a.Health) }'], [""])
GO_MIDDLEWARE_ONLY = modified("router/router.go", 190, [""], [
    '\tg.Group("/").Use(authentication.RequireApplicationToken).POST("/message", messageHandler.CreateMessage)'], [
    '\tg.Group("/").Use(authentication.RequireApplicationOrClient).POST("/message", messageHandler.CreateMessage)'], [""])

GO_UI_FILES = modified("router/router.go", 60, [""], [], [
    '\tr.GET("/", serveFile("index.html", "text/html"))',
    '\tr.GET("/service-worker.js", serveFile("service-worker.js", "text/javascript"))',
    '\tr.GET("/static/*any", gin.WrapH(http.FileServer(box)))',
    '\tg.GET("/swagger", docs.Serve)'], [""])
GIN_MATCH = modified("router/router.go", 180, [""], [
    '\tg.GET("/health", healthHandler.Health)'], [
    '\tg.Match([]string{"GET", "HEAD"}, "/health", healthHandler.Health)'], [""])

GIN_GROUP_ROOT = modified("api/routes.go", 30, ['\tv1 := r.Group("/v1/albums")'], [], [
    '\tv1.GET("", listAlbums)'], ["\treturn r"])

# --- Rails / Grape ----------------------------------------------------------------------------
RAILS_API = modified("config/routes.rb", 140, [
    "  namespace :api do",
    "    namespace :v1 do",
    "      resources :accounts, only: [:index]"], [], [
    "      resources :transactions, only: [:index, :show, :create]",
    '      post "imports/:id/publish", to: "imports#publish"'], [
    "    end",
    "  end"])
RAILS_PAGES = modified("config/routes.rb", 24, ["  end", ""], [], [
    "  resources :family_exports, only: %i[new create index] do",
    "    member do",
    "      get :download",
    "    end",
    "  end"], ["", '  get "changelog", to: "pages#changelog"'])

GRAPE_DESCRIBED = modified("app/api/v1/users.rb", 10, ["    resource :users do"], [], [
    "      desc 'Return one user.'",
    "      get ':id' do",
    "        User.find(params[:id])",
    "      end"], ["    end"])
GRAPE_BARE = modified("app/api/v1/users.rb", 10, ["    resource :users do"], [], [
    "      post 'invite' do",
    "        Invitation.create!(declared(params))",
    "      end"], ["    end"])

# --- Laravel / Symfony ------------------------------------------------------------------------
LARAVEL_API = modified("routes/api.php", 60, [
    "Route::middleware('auth')->group(static function (): void {"], [], [
    "    Route::put('podcasts/{podcast}/rating', [PodcastController::class, 'rate']);",
    "    Route::apiResource('playlists', PlaylistController::class);"], ["});"])
LARAVEL_GROUPED = modified("routes/api.base.php", 107, ["        Route::prefix('embeds')->group(static function (): void {"], [
    "            Route::get('embeds/{embed}/{options}', [EmbedController::class, 'getPayload'])->name('embeds.payload');"], [
    "            Route::middleware('embeds.enabled')->group(static function (): void {",
    "                Route::get('embeds/{embed}/{options}', [EmbedController::class, 'getPayload'])->name('embeds.payload');",
    "            });"], ["        });"])
LARAVEL_WEB = modified("routes/web.php", 10, [""], [], [
    "Route::get('/dashboard', DashboardController::class)->name('dashboard');"], [""])
SYMFONY_WITH_OA = modified("src/Controller/Api/BookController.php", 20, ["", ""], [], [
    "    #[OA\\Response(response: 200, description: 'The book')]",
    "    #[Route('/api/books/{id}', methods: ['GET'])]",
    "    public function show(Book $book): JsonResponse"], ["    {"])

SYMFONY_BARE = modified("src/Controller/Api/BookController.php", 40, ["", ""], [], [
    "    #[Route('/api/books', name: 'book_create', methods: ['POST'])]",
    "    public function create(Request $request): JsonResponse"], ["    {"])

# --- Phoenix ----------------------------------------------------------------------------------
PHOENIX_API = modified("lib/hexpm_web/router.ex", 380, [
    '  scope "/api", HexpmWeb.API do',
    "    pipe_through :api",
    ""], [], [
    '    post "/packages/:name/retire", RetirementController, :create_all'], [
    '    get "/packages/:name/releases/:version", ReleaseController, :show'])
PHOENIX_BROWSER = modified("lib/hexpm_web/router.ex", 150, [
    '  scope "/", HexpmWeb do',
    "    pipe_through :browser",
    ""], [], [
    '    get "/users/:username/stats", UserController, :stats'], [""])

# --- GraphQL ----------------------------------------------------------------------------------
GRAPHQL_FIELD = modified("schema/schema.graphql", 10, ["type Query {", "  user(id: ID!): User"], [], [
    "  invoices(first: Int, after: String): InvoiceConnection!"], ["}"])
GRAPHQL_BELOW_HEADING = modified("schema/schema.graphql", 40, ["  invoices: [Invoice!]!"], [
    "  invoice(number: String!): Invoice"], [], ["}"], heading="type Query {")
GRAPHQL_DESCRIBED = modified("schema/schema.graphql", 10, ["type Mutation {"], [], [
    '  "Cancel an open invoice; paid invoices cannot be cancelled."',
    "  cancelInvoice(id: ID!): Invoice"], ["}"])
GRAPHQL_SPLIT_ARGUMENTS = modified("_schemaV2.graphql", 25709, [
    "  createArtist(input: CreateArtistMutationInput!): CreateArtistMutationPayload", ""], [], [
    '  """',
    "  Kicks off a background job to pull a gallery's Artnet inventory: one record per work.",
    '  """',
    "  createArtnetImport(",
    "    input: CreateArtnetImportMutationInput!",
    "  ): CreateArtnetImportMutationPayload", ""], ['  """'], heading="type Mutation {")
GRAPHQL_COMMENT_DESCRIPTION = modified("_schemaV2.graphql", 300, ["type Mutation {", ""], [], [
    "  # Accept a seller's offer on an order",
    "  acceptSellerOffer(input: acceptSellerOfferInput!): acceptSellerOfferPayload", ""], [
    "  # Updates a Task on the logged in User"])
GRAPHQL_TYPE_FIELD = modified("schema/schema.graphql", 30, ["type Invoice {", "  id: ID!"], [], [
    "  dueDate: Date"], ["}"])

# --- documentation in the PR ------------------------------------------------------------------
OPENAPI_YAML = modified("api/spec.yml", 200, ["paths:"], [], [
    "  /items/{id}/archive:",
    "    post:",
    "      operationId: archiveItem"], [""])
DOCS_FOLDER = modified("docs/api/items.md", 40, [""], [], ["## POST /items/{id}/archive", ""], [])
ARTIFACTS = modified("docs/artifacts/07-api-designer/endpoints.md", 3, [""], [], ["- `GET /items/{id}`"], [])
PHPSTAN_SHAPE = modified("app/Http/Resources/PodcastResource.php", 20, ["    /**"], [], [
    "     * @return array{",
    "     *     id: string,",
    "     *     description: ?string,",
    "     * }"], ["     */"])
ANGULAR_JSON = modified("ClientApp/angular.json", 30, ['      "architect": {'], [], [
    '        "options": {',
    '          "proxyConfig": "proxy.conf.json"'], ["        },"])
OPENAPI_IN_TEST = modified("tests/fixtures/openapi.yaml", 1, ["openapi: 3.1.0"], [], ["  /x:"], [])

CASES: tuple[Case, ...] = (
    Case("fastapi-new-route", FASTAPI_NEW_ROUTE, "warn", ("POST /{id}/archive",)),
    Case("fastapi-docstring", FASTAPI_WITH_DOCSTRING, "pass"),
    Case("fastapi-router-prefix", FASTAPI_PREFIXED, "warn", ("POST /private/users/",)),
    Case("fastapi-summary", FASTAPI_WITH_SUMMARY, "pass"),
    Case("fastapi-body-only", FASTAPI_BODY_ONLY, "pass"),
    Case("fastapi-response-model", FASTAPI_RESPONSE_MODEL, "warn", ("GET /orders/{order_id}",)),
    Case("fastapi-new-query-parameter", FASTAPI_NEW_QUERY_PARAM, "warn", ("GET /",)),
    Case("fastapi-dependency-only", FASTAPI_DEPENDENCY_ONLY, "pass"),
    Case("starlette-routes", STARLETTE_ROUTES, "warn", ("GET /api/health", "WEBSOCKET /ws/events")),
    Case("fastapi-route-in-test", FASTAPI_ROUTE_IN_TEST, "pass"),
    Case("fastapi-moved", FASTAPI_MOVED, "pass"),
    Case("flask-api", FLASK_API, "warn", ("DELETE /users/<int:user_id>",)),
    Case("flask-page", FLASK_PAGE, "pass"),
    Case("django-urls", DJANGO_URLS, "warn", ("ANY /api/orders/<int:pk>/",)),
    Case("django-page", DJANGO_PAGE, "pass"),
    Case("drf-router", DRF_ROUTER, "warn", ("ANY /invoices",)),
    Case("drf-action-spectacular", DRF_ACTION_SPECTACULAR, "pass"),
    Case("drf-action-bare", DRF_ACTION_BARE, "warn", ("GET",)),
    Case("express-new", EXPRESS_NEW, "warn", ("POST /:userId/avatar",)),
    Case("express-jsdoc", EXPRESS_JSDOC, "pass"),
    Case("express-reformat", EXPRESS_MULTILINE_REFORMAT, "pass"),
    Case("express-renamed-path", EXPRESS_RENAMED_PATH, "warn",
         ("POST /verification-email -> POST /send-verification-email",)),
    Case("express-removed", EXPRESS_REMOVED, "warn", ("GET /legacy/export",)),
    Case("axios-client", AXIOS_CLIENT, "pass"),
    Case("express-route-chain", EXPRESS_CHAIN, "warn",
         ("GET /books/:id", "PUT /books/:id", "DELETE /books/:id")),
    Case("koa", KOA_ROUTE, "warn", ("GET /articles/:slug/comments",)),
    Case("fastify", FASTIFY_ROUTE, "warn", ("POST /login", "GET /health")),
    Case("fastify-schema", FASTIFY_SCHEMA, "pass"),
    Case("nest-new", NEST_NEW, "warn", ("GET /cats/:id",)),
    Case("nest-swagger", NEST_SWAGGER, "pass"),
    Case("nest-new-query-parameter", NEST_NEW_QUERY, "warn", ("GET /cats",)),
    Case("next-route", NEXT_ROUTE, "warn", ("GET /api/users/[id]",)),
    Case("next-head-options-route", NEXT_HEAD_ROUTE, "warn", ("HEAD /api/health", "OPTIONS /api/health")),
    Case("spring-new", SPRING_NEW, "warn", ("GET /api/pettypes/{petTypeId}", "POST /api/pettypes")),
    Case("spring-springdoc", SPRING_SPRINGDOC, "pass"),
    Case("spring-produces-churn", SPRING_PRODUCES_CHURN, "pass"),
    Case("spring-mvc-page", SPRING_MVC_PAGE, "pass"),
    Case("spring-new-request-param", SPRING_NEW_REQUEST_PARAM, "warn", ("GET /owners",)),
    Case("spring-server-side-param", SPRING_SERVER_PARAM, "pass"),
    Case("jax-rs", JAXRS_NEW, "warn", ("GET /orders/{id}",)),
    Case("aspnet-controller", ASPNET_CONTROLLER, "warn", ("GET /api/[controller]/{id}",)),
    Case("aspnet-xml-docs", ASPNET_XML_DOCS, "pass"),
    Case("aspnet-minimal", ASPNET_MINIMAL, "warn", ("GET /todoitems/complete",)),
    Case("aspnet-minimal-summary", ASPNET_MINIMAL_WITH_SUMMARY, "pass"),
    Case("go-servemux-gorilla", GO_ROUTES, "warn", ("GET /items/{id}", "POST /books/{title}")),
    Case("go-gin-echo-chi", GIN_ECHO_CHI, "warn",
         ("POST /client/:id/rotate", "PUT /users/:id", "GET /articles/{articleID}")),
    Case("go-client", GO_CLIENT, "pass"),
    Case("gin-group-root", GIN_GROUP_ROOT, "warn", ("GET /",)),
    Case("go-swaggo", GO_SWAGGO, "pass"),
    Case("go-middleware-only", GO_MIDDLEWARE_ONLY, "pass"),
    Case("go-ui-files", GO_UI_FILES, "pass"),
    Case("gin-match-adds-head", GIN_MATCH, "warn", ("HEAD /health",)),
    Case("rails-api", RAILS_API, "warn",
         ("RESOURCES /transactions", "POST /imports/:id/publish")),
    Case("rails-pages", RAILS_PAGES, "pass"),
    Case("grape-described", GRAPE_DESCRIBED, "pass"),
    Case("grape-bare", GRAPE_BARE, "warn", ("POST /invite",)),
    Case("laravel-api", LARAVEL_API, "warn",
         ("PUT /podcasts/{podcast}/rating", "RESOURCES /playlists")),
    Case("laravel-web", LARAVEL_WEB, "pass"),
    Case("laravel-wrapped-in-a-group", LARAVEL_GROUPED, "pass"),
    Case("symfony-swagger-php", SYMFONY_WITH_OA, "pass"),
    Case("symfony-bare", SYMFONY_BARE, "warn", ("POST /api/books",)),
    Case("phoenix-api", PHOENIX_API, "warn", ("POST /packages/:name/retire",)),
    Case("phoenix-browser", PHOENIX_BROWSER, "pass"),
    Case("graphql-field", GRAPHQL_FIELD, "warn", ("QUERY invoices",)),
    Case("graphql-described", GRAPHQL_DESCRIBED, "pass"),
    Case("graphql-removed-below-heading", GRAPHQL_BELOW_HEADING, "warn", ("QUERY invoice",)),
    Case("graphql-type-field", GRAPHQL_TYPE_FIELD, "pass"),
    Case("graphql-split-arguments", GRAPHQL_SPLIT_ARGUMENTS, "pass"),
    Case("graphql-comment-description", GRAPHQL_COMMENT_DESCRIPTION, "pass"),
    Case("fastapi-with-openapi-yaml", FASTAPI_NEW_ROUTE + OPENAPI_YAML, "pass"),
    Case("express-with-docs-folder", EXPRESS_NEW + DOCS_FOLDER, "pass"),
    Case("spring-with-artifacts", SPRING_NEW + ARTIFACTS, "pass"),
    Case("phpstan-shape-is-not-docs", LARAVEL_API + PHPSTAN_SHAPE, "warn",
         ("PUT /podcasts/{podcast}/rating", "RESOURCES /playlists")),
    Case("angular-json-is-not-docs", ASPNET_MINIMAL + ANGULAR_JSON, "warn",
         ("GET /todoitems/complete",)),
    Case("openapi-in-test-is-not-docs", EXPRESS_NEW + OPENAPI_IN_TEST, "warn",
         ("POST /:userId/avatar",)),
)
