/// The body of `POST /todos`: `{"title": "..."}`.
struct NewTodo: Decodable, Sendable {
    var title: String
}
